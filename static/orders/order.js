// The order page: follows the order and its exchange activity through the API, sends the
// controls with a fresh Idempotency-Key per press, and shows the ledger's result at the end.
"use strict";

document.addEventListener("alpine:init", () => {
  Alpine.data("orderPage", () => {
    const words = MrMarket.words();
    const config = JSON.parse(document.getElementById("order-config").textContent);
    return {
      detail: config.detail,
      activity: {open_quotes: [], fills: [], series: {time: [], fills: []}, pair: config.pair},
      result: null,
      answer: "",
      answerRefused: false,
      busy: false,
      hasSeries: false,
      init() {
        MrMarket.follow(config.detailUrl, (detail) => {
          this.detail = detail;
          if (words.finished.includes(detail.state) && !this.result) this.loadResult();
        }, {keepGoing: (detail) => !words.finished.includes(detail.state)});
        MrMarket.follow(config.activityUrl, (activity) => {
          this.activity = activity;
          this.drawChart();
        }, {intervalMs: 3000, keepGoing: () => !words.finished.includes(this.detail.state)});
        window.addEventListener("resize", () => this.drawChart());
      },
      async loadResult() {
        try { this.result = await MrMarket.getJson(config.resultUrl); } catch (error) { this.result = null; }
      },
      stateLabel(state) { return words.states[state]?.label ?? ""; },
      stateSentence(state) { return words.states[state]?.sentence ?? ""; },
      canAct(action) { return words.control_sources[action].includes(this.detail.state); },
      symbol(asset) { return config.assets[asset]?.symbol ?? ""; },
      money(value, asset) { return MrMarket.amount(value, config.assets[asset]?.places ?? 8); },
      price(value) { return MrMarket.amount(value, config.pair.price_precision); },
      size(value) { return MrMarket.amount(value, config.pair.amount_precision); },
      side(value) { return words.sides[value] ?? value; },
      when(iso) { return MrMarket.moment(iso); },
      payoutStatus(status) { return words.payout_status[status] ?? status; },
      actor(actor) {
        const kind = String(actor || "").split(":")[0];
        return words.actors[kind] ?? words.actors.system;
      },
      eventWords(event) {
        const who = this.actor(event.actor);
        if (event.to) {
          const label = this.stateLabel(event.to);
          return `${label} — ${who}${event.reason ? ": " + event.reason : ""}`;
        }
        const what = words.events[event.kind] ?? event.reason ?? event.kind.replaceAll("_", " ");
        const times = event.count > 1 ? ` (×${event.count}, ${words.until} ${this.when(event.last_at)})` : "";
        const why = words.events[event.kind] && event.reason ? `: ${event.reason}` : "";
        return `${what}${why}${times} — ${who}`;
      },
      drawChart() {
        const s = this.activity.series;
        const line = (values) => s.time.map((t, i) => [t, values[i]]);
        const series = [
          {label: words.chart.bid, color: "#1a7f37", points: line(s.bid || [])},
          {label: words.chart.ask, color: "#c0392b", points: line(s.ask || [])},
          {label: words.chart.mid, color: "#555", points: line(s.mid || [])},
          {label: words.chart.buy_fill, color: "#0b5cad", dots: true, points: s.fills.filter((f) => f.side === "buy").map((f) => [f.time, f.price])},
          {label: words.chart.sell_fill, color: "#8e44ad", dots: true, points: s.fills.filter((f) => f.side === "sell").map((f) => [f.time, f.price])},
        ];
        this.hasSeries = s.time.length > 0;
        MrMarketChart.draw(document.getElementById("chart"), series);
      },
      async act(action, url) {
        this.busy = true;
        this.answerRefused = false;
        this.answer = words.controls.sending;
        try {
          const reply = await MrMarket.send(url, {key: MrMarket.newKey()});
          const state = reply.ok ? reply.body.state : reply.body.error?.detail?.state;
          if (state) this.detail = {...this.detail, state};
          if (reply.ok) {
            this.answer = words.controls.done[action].replace("%(state)s", this.stateLabel(state));
          } else {
            this.answerRefused = true;
            this.answer = words.controls.refused.replace("%(state)s", this.stateLabel(state) || "?");
          }
        } catch (error) {
          this.answerRefused = true;
          this.answer = words.controls.failed;
        } finally {
          this.busy = false;
        }
      },
    };
  });
});
