// The campaign pages (templates/campaigns/): the list with its filters, one campaign and
// my campaigns, all read from /api/v1/campaigns/. Amounts stay decimal text and are shown
// to the reward token's decimals (MrMarket.amount in static/orders/pages.js).
"use strict";

const MrMarketCampaigns = (() => {
  const config = () => JSON.parse(document.getElementById("campaign-config").textContent);
  const quoteOf = (symbol) => (String(symbol).split("/")[1] || "");
  // Shared by the three pages: how a campaign and an order are named and linked.
  const shown = (words, urls) => ({
    typeLabel(campaign) { return words.types[campaign.type] ?? campaign.type; },
    statusLabel(campaign) { return words.statuses[campaign.status] ?? campaign.status ?? ""; },
    chainLabel(campaign) { return words.chains[campaign.chain_id] ?? `chain ${campaign.chain_id}`; },
    token(value, campaign) {
      return `${MrMarket.amount(value, campaign.fund_token_decimals)} ${campaign.fund_token_symbol}`;
    },
    fund(campaign) { return this.token(campaign.fund_amount, campaign); },
    paid(campaign) { return this.token(campaign.amount_paid, campaign); },
    volume(campaign) { return `${MrMarket.amount(campaign.volume, 2)} ${quoteOf(campaign.symbol)}`.trim(); },
    day(iso) {
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? "" : date.toLocaleDateString(document.documentElement.lang || undefined,
        {year: "numeric", month: "short", day: "numeric"});
    },
    pageUrl(campaign) { return urls.pageUrl.replace("KEY", campaign.key); },
    orderUrl(order) { return MrMarket.withId(urls.orderUrl, order.id); },
    orderName(order) { return `${order.symbol} · ${order.exchange}`; },
    orderState(order) { return words.order_states[order.state]?.label ?? order.state; },
  });
  return {config, shown};
})();

document.addEventListener("alpine:init", () => {
  const words = MrMarket.words();

  Alpine.data("campaignList", () => {
    const urls = MrMarketCampaigns.config();
    return {
      ...MrMarketCampaigns.shown(words, urls),
      campaigns: [],
      exchange: "",
      type: "",
      status: "",
      chain: "",
      loaded: false,
      failed: false,
      failedText: words.failed,
      countText: "",
      init() {
        const query = new URLSearchParams(window.location.search);
        this.exchange = query.get("exchange") || "";
        this.type = query.get("type") || "";
        this.status = query.get("status") || "";
        this.chain = query.get("chain_id") || "";
        this.load();
      },
      query() {
        const query = new URLSearchParams();
        if (this.exchange) query.set("exchange", this.exchange);
        if (this.type) query.set("type", this.type);
        if (this.status) query.set("status", this.status);
        if (this.chain) query.set("chain_id", this.chain);
        return query.toString();
      },
      async load() {
        const query = this.query();
        // The filters are in the address, so a filtered list can be shared and reloaded.
        window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
        try {
          this.campaigns = await MrMarket.getJson(query ? `${urls.listUrl}?${query}` : urls.listUrl);
          this.failed = false;
        } catch (error) {
          this.campaigns = [];
          this.failed = true;
        }
        this.loaded = true;
        const count = this.campaigns.length;
        if (!count) this.countText = words.none;
        else if (count === 1) this.countText = words.count_one;
        else this.countText = words.count_other.replace("%(count)s", count);
      },
    };
  });

  Alpine.data("campaignDetail", () => {
    const urls = MrMarketCampaigns.config();
    return {
      ...MrMarketCampaigns.shown(words, urls),
      detail: {learn_more: "", how_the_node_takes_part: ""},
      loaded: false,
      failed: false,
      failedText: words.failed,
      async init() {
        try {
          this.detail = await MrMarket.getJson(urls.detailUrl);
        } catch (error) {
          this.failed = true;
        }
        this.loaded = true;
      },
      cycles() {
        const progress = this.detail.progress;
        return progress ? `${progress.cycles_elapsed} / ${progress.cycles_total}` : "";
      },
      paidOfFund() {
        return this.detail.progress ? `${this.paid(this.detail)} / ${this.fund(this.detail)}` : "";
      },
      paidFraction() { return Number(this.detail.progress?.paid_fraction ?? 0); },
      volumeNow() { return this.detail.key ? this.volume(this.detail) : ""; },
      reward(value) { return this.detail.key ? this.token(value, this.detail) : ""; },
      figure(value) { return MrMarket.amount(value, 2); },
      ourCount() { return this.detail.our_order_count ?? ""; },
      myOrders() { return this.detail.my_orders ?? []; },
      leaderboard() { return this.detail.leaderboard ?? []; },
      dailyPaid() { return this.detail.daily_paid_amounts ?? []; },
      // The joins that carry my orders: the state in words, and why a join waits or failed.
      myJoins() { return (this.detail.participations ?? []).filter((p) => p.order_ids.length); },
      joinText(join) {
        const state = words.participation[join.state] ?? join.state;
        const text = `${words.join_label} ${state}`;
        return join.last_error && join.state !== "joined" ? `${text}: ${join.last_error}` : text;
      },
      noOrders() { return this.loaded && !this.myOrders().length; },
      noLeaders() { return this.loaded && !this.leaderboard().length; },
      noDailyPaid() { return this.loaded && !this.dailyPaid().length; },
      participant(row) { return row.ours ? `${row.address} (${words.this_node})` : row.address; },
      rowClass(row) { return row.ours ? "ours" : ""; },
    };
  });

  Alpine.data("myCampaigns", () => {
    const urls = MrMarketCampaigns.config();
    return {
      ...MrMarketCampaigns.shown(words, urls),
      campaigns: [],
      loaded: false,
      failed: false,
      failedText: words.failed,
      async init() {
        try {
          this.campaigns = await MrMarket.getJson(urls.mineUrl);
        } catch (error) {
          this.failed = true;
        }
        this.loaded = true;
      },
      empty() { return this.loaded && !this.failed && !this.campaigns.length; },
    };
  });

  // The campaigns I created on this node, funded or not yet (the launches API).
  Alpine.data("myLaunches", () => {
    const urls = MrMarketCampaigns.config();
    return {
      launches: [],
      loaded: false,
      failed: false,
      failedText: words.failed,
      async init() {
        try {
          this.launches = await MrMarket.getJson(urls.launchesUrl);
        } catch (error) {
          this.failed = true;
        }
        this.loaded = true;
      },
      launchUrl(launch) { return MrMarket.withId(urls.launchPageUrl, launch.id); },
      stateLabel(launch) { return launch.state_label; },
      fundText(launch) { return `${launch.fund_amount} ${launch.fund_token_symbol}`; },
      empty() { return this.loaded && !this.failed && !this.launches.length; },
    };
  });
});
