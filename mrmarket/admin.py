"""The operators' console: the admin site names the product on every page."""

from django.contrib import admin

admin.site.site_header = "Mr.Market operations"
admin.site.site_title = "Mr.Market"
admin.site.index_title = "Operate this node"
