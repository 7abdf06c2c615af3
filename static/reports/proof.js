// The public proof pages, on Alpine.js: an order's liquidity proof reads
// /api/v1/proof/orders/{id}/, a pair's depth page reads /api/v1/reports/stability/.
// Figures are the API's decimal text, rounded for reading by string work (MrMarket.amount).
"use strict";

const MrMarketProof = (() => {
  const config = (id) => JSON.parse(document.getElementById(id).textContent);
  const percent = (fraction, places = 2) =>
    fraction === null || fraction === undefined ? "—" : `${MrMarket.amount(MrMarket.percentOf(fraction), places)} %`;
  const bps = (value) => (value === null || value === undefined ? "—" : `${MrMarket.amount(value, 2)} bps`);
  const value = (text, places = 2) => (text === null || text === undefined ? "—" : MrMarket.amount(text, places));
  return {config, percent, bps, value};
})();

// How often a shown proof is re-read, and a pending one asked for when the API names no time.
const REFRESH_SECONDS = 60;
const PENDING_RETRY_SECONDS = 15;

document.addEventListener("alpine:init", () => {
  Alpine.data("orderProof", () => {
    const config = MrMarketProof.config("proof-config");
    return {
      proof: null,
      loaded: false,
      failed: false,
      waiting: true,
      pending: true,
      preparing: false,
      hasStability: false,
      noStability: false,
      bands: [],
      init() { this.load(); },
      // The proof is built by a worker and stored (refreshed every minute while the order
      // runs); the API answers 503 proof_pending until its first build is in, with when to
      // ask again. Once shown, the page re-reads it each minute so its figures and download
      // link follow the stored window (a visitor may download only that window).
      async load() {
        let retrySeconds = REFRESH_SECONDS;
        try {
          const proof = await MrMarket.getJson(config.summaryUrl);
          this.proof = proof;
          this.bands = proof.stability ? proof.stability.depth : [];
          this.hasStability = Boolean(proof.stability);
          this.noStability = !this.hasStability;
          this.loaded = true;
          this.waiting = false;
          this.preparing = false;
          this.failed = false;
        } catch (error) {
          const body = error.body && error.body.error;
          if (error.status === 503 && body && body.code === "proof_pending") {
            this.preparing = !this.loaded;
            retrySeconds = Number(body.detail && body.detail.retry_after_seconds) || PENDING_RETRY_SECONDS;
          } else if (!this.loaded) {
            this.failed = true;
          }
        }
        this.pending = false;
        window.setTimeout(() => this.load(), retrySeconds * 1000);
      },
      bandLabel(band) { return `± ${band.band_bps} bps`; },
      stability(name) { return this.proof && this.proof.stability ? this.proof.stability[name] : null; },
      activity(name) { return this.proof ? this.proof.activity[name] : ""; },
      bundle(name) { return this.proof ? this.proof.bundle[name] : ""; },
      uptime() { return MrMarketProof.percent(this.stability("uptime")); },
      spread(name) { return MrMarketProof.bps(this.stability(name)); },
      depth(text) { return MrMarketProof.value(text, 2); },
      samples() {
        if (!this.hasStability) return "—";
        const s = this.proof.stability;
        return `${s.observed} / ${s.slots} (${s.gaps} ${MrMarket.words().gaps})`;
      },
      volumeBase() { return this.proof ? `${MrMarket.amount(this.activity("volume_base"), config.amountDecimals)} ${this.proof.order.base}` : ""; },
      volumeQuote() { return this.proof ? `${MrMarket.amount(this.activity("volume_quote"), 2)} ${this.proof.order.quote}` : ""; },
      split(first, second) { return this.proof ? `${this.activity(first)} / ${this.activity(second)}` : ""; },
      windowFrom() { return this.proof ? MrMarket.moment(this.proof.window.from) : ""; },
      windowTo() { return this.proof ? MrMarket.moment(this.proof.window.to) : ""; },
      query() {
        const window = this.proof.window;
        return `from=${encodeURIComponent(window.from)}&to=${encodeURIComponent(window.to)}`;
      },
      downloadUrl() { return this.proof ? `${config.reportUrl}?${this.query()}` : "#"; },
      configHash() { return this.proof ? this.proof.order.config_hash : ""; },
      fileName() { return this.proof ? `report-${this.proof.order.id}.json` : ""; },
      verifyCommand() {
        return this.proof ? `python manage.py report_verify ${this.fileName()} --public-key ${this.bundle("public_key")}` : "";
      },
      size() { return this.proof ? `${Math.ceil(this.bundle("size") / 1024)} KiB` : ""; },
    };
  });

  Alpine.data("pairDepth", () => {
    const config = MrMarketProof.config("depth-config");
    return {
      hours: config.windows[0],
      report: null,
      loading: false,
      failed: false,
      windows: config.windows,
      init() { this.load(); },
      async load() {
        this.loading = true;
        this.failed = false;
        const to = new Date();
        to.setUTCSeconds(0, 0);
        const from = new Date(to.getTime() - this.hours * 3600 * 1000);
        const query = `pair=${config.pair}&from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
        try {
          this.report = await MrMarket.getJson(`${config.stabilityUrl}?${query}`);
        } catch (error) {
          this.report = null;
          this.failed = true;
        }
        this.loading = false;
        this.$nextTick(() => this.draw());
      },
      choose(hours) {
        this.hours = hours;
        this.load();
      },
      isChosen(hours) { return this.hours === hours; },
      bandLabel(band) { return `± ${band.band_bps} bps`; },
      figure(name) { return this.report ? this.report.window[name] : null; },
      hasData() { return Boolean(this.report && this.report.window.observed > 0); },
      noData() { return Boolean(this.report && this.report.window.observed === 0); },
      bands() { return this.report ? this.report.window.depth : []; },
      uptime() { return MrMarketProof.percent(this.figure("uptime")); },
      spread(name) { return MrMarketProof.bps(this.figure(name)); },
      ratio(name) { return MrMarketProof.value(this.figure(name), 4); },
      depth(text) { return MrMarketProof.value(text, 2); },
      count(name) { return this.report ? String(this.report.window[name]) : "—"; },
      days() { return this.report ? this.report.days : []; },
      dayUptime(day) { return MrMarketProof.percent(day.figures.uptime); },
      daySpread(day) { return MrMarketProof.bps(day.figures.spread_p50_bps); },
      dayDepth(day) {
        const band = day.figures.depth.find((b) => b.band_bps === 100);
        if (!band || band.bid_mean === null) return "—";
        return `${MrMarketProof.value(band.bid_mean)} / ${MrMarketProof.value(band.ask_mean)}`;
      },
      draw() {
        const element = document.getElementById("depth-chart");
        if (!element || typeof MrMarketChart === "undefined") return;
        const days = this.days();
        const words = MrMarket.words();
        const at = (day) => Date.parse(`${day.day}T00:00:00Z`) / 1000;
        const series = [
          {label: words.uptime, color: "#0b5cad", points: days.map((d) => [at(d), d.figures.uptime === null ? null : MrMarket.percentOf(d.figures.uptime)])},
        ];
        if (days.length < 2) {
          element.replaceChildren();
          return;
        }
        MrMarketChart.draw(element, series, {height: 180});
      },
    };
  });
});
