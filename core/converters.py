"""Path converters: ids in URLs are bounded to what a database key column holds.

`<int:…>` matches any run of digits, and a 20-digit id reaches the query as an integer
the database cannot bind (OverflowError on SQLite, out of range on PostgreSQL): a 500
where a 404 belongs. `<id:…>` does not match such a path at all, so it is a 404.
"""

from django.urls import register_converter

# A positive bigint: 18 digits always fit in a signed 64-bit column.
MAX_ID = 10**18 - 1


class DatabaseIdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(DatabaseIdConverter, "id")
