// The creator dashboard (templates/reports/dashboard.html): my orders' figures over the
// chosen window from /api/v1/reports/dashboard/, drawn with uPlot (static/orders/chart.js);
// my campaigns and this node's reputation inputs from their own APIs.
"use strict";

document.addEventListener("alpine:init", () => {
  Alpine.data("dashboard", () => {
    const words = MrMarket.words();
    const config = JSON.parse(document.getElementById("dashboard-config").textContent);
    const colors = ["#0b5cad", "#1a7f37", "#c0392b", "#8e44ad", "#555"];
    const seconds = (iso) => Math.floor(new Date(iso).getTime() / 1000);
    return {
      window: "24h",
      figures: {times: [], orders: [], rewards_received: [], depth: [], volume: []},
      campaigns: [],
      launches: [],
      reputation: {},
      loaded: false,
      failed: false,
      failedText: words.failed,
      init() {
        const asked = new URLSearchParams(window.location.search).get("window");
        if (config.windows.includes(asked)) this.window = asked;
        this.load();
        MrMarket.getJson(config.campaignsUrl).then((list) => { this.campaigns = list; }).catch(() => {});
        MrMarket.getJson(config.launchesUrl).then((list) => { this.launches = list; }).catch(() => {});
        MrMarket.getJson(config.reputationUrl).then((body) => { this.reputation = body; }).catch(() => {});
        window.addEventListener("resize", () => this.draw());
      },
      async load() {
        try {
          this.figures = await MrMarket.getJson(`${config.dashboardUrl}?window=${this.window}`);
          this.failed = false;
        } catch (error) {
          this.failed = true;
        }
        this.loaded = true;
        this.draw();
      },
      choose(window) {
        this.window = window;
        history.replaceState(null, "", `?window=${window}`);
        this.load();
      },
      pressed(window) { return String(this.window === window); },
      windowClass(window) { return this.window === window ? "primary" : ""; },
      points(values, scale = 1) {
        return this.figures.times.map((t, i) => [seconds(t), values[i] === null ? null : Number(values[i]) * scale]);
      },
      perQuote(series, label) {
        return series.map((s, i) => ({
          label: label.replace("%(quote)s", s.quote_symbol), color: colors[i % colors.length], points: this.points(s.values),
        }));
      },
      draw() {
        const f = this.figures;
        if (!f.times.length || !f.orders.length) return;
        MrMarketChart.draw(document.getElementById("chart-uptime"),
          [{label: words.chart.uptime, color: colors[1], points: this.points(f.uptime, 100)}], {height: 180});
        MrMarketChart.draw(document.getElementById("chart-spread"),
          [{label: words.chart.spread, color: colors[0], points: this.points(f.spread_p50_bps)}], {height: 180});
        MrMarketChart.draw(document.getElementById("chart-depth"), this.perQuote(f.depth, words.chart.depth), {height: 180});
        MrMarketChart.draw(document.getElementById("chart-volume"), this.perQuote(f.volume, words.chart.volume), {height: 180});
      },
      orders() { return this.figures.orders; },
      rewards() { return this.figures.rewards_received; },
      // Reward funds I put into campaigns I created: what each escrow was funded with.
      launchText(launch) {
        return `${launch.fund_amount} ${launch.fund_token_symbol} · ${launch.symbol} · ${launch.exchange} · ${launch.state_label}`;
      },
      launchUrl(launch) { return MrMarket.withId(config.launchPageUrl, launch.id); },
      noLaunches() { return !this.launches.length; },
      noOrders() { return this.loaded && !this.figures.orders.length; },
      noRewards() { return this.loaded && !this.figures.rewards_received.length; },
      noCampaigns() { return this.loaded && !this.campaigns.length; },
      orderUrl(order) { return MrMarket.withId(config.orderUrl, order.id); },
      orderName(order) { return `${order.symbol} · ${order.exchange}`; },
      orderState(order) { return words.order_states[order.state]?.label ?? order.state; },
      campaignUrl(campaign) { return config.campaignUrl.replace("KEY", campaign.key); },
      campaignName(campaign) { return `${campaign.symbol} · ${campaign.exchange_name}`; },
      percent(ratio) {
        return ratio === null || ratio === undefined ? words.none : `${MrMarket.amount(MrMarket.percentOf(ratio), 2)} %`;
      },
      bps(value) { return value === null || value === undefined ? words.none : MrMarket.amount(value, 2); },
      // Quote amounts to the pair's quote precision as the order page shows them (8 places).
      quote(value, order) { return value === null ? words.none : `${MrMarket.amount(value, 8)} ${order.quote_symbol}`; },
      rewardText(reward) { return `${MrMarket.amount(reward.amount, reward.places)} ${reward.symbol}`; },
      checksText() {
        const r = this.reputation;
        if (!r.self_checks) return words.none;
        return words.checks.replace("%(verified)s", r.self_checks_verified).replace("%(checks)s", r.self_checks);
      },
      flaggedShare() {
        const flagged = this.reputation.flagged_volume;
        return flagged && flagged.share !== null ? this.percent(flagged.share) : words.none;
      },
    };
  });
});
