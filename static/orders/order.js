// The order page: follows the order, its exchange activity, its chart series and its PnL
// through the API; sends the controls with a fresh Idempotency-Key per press; shows the
// ledger's result at the end; switches the proof public. Written for Alpine's CSP build:
// the template only names properties and calls methods, everything else is here.
"use strict";

document.addEventListener("alpine:init", () => {
  Alpine.data("orderPage", () => {
    const words = MrMarket.words();
    const config = JSON.parse(document.getElementById("order-config").textContent);
    const finished = (state) => words.finished.includes(state);
    const hour = 3600 * 1000;
    const windows = {all: null, hour: hour, day: 24 * hour, week: 7 * 24 * hour};
    const column = (series, values) => series.time.map((t, i) => [t, values[i]]);
    return {
      detail: config.detail,
      activity: {open_quotes: [], fills: [], fills_page: {page: 1, has_more: false}},
      series: null,
      pnl: null,
      result: null,
      answer: "",
      answerRefused: false,
      busy: false,
      fillsPage: 1,
      windowName: "all",
      band: "100",
      proofPublic: config.proofPublic,
      proofAnswer: "",

      init() {
        MrMarket.follow(config.detailUrl, (detail) => {
          this.detail = detail;
          if (finished(detail.state) && !this.result) this.loadResult();
        }, {keepGoing: (detail) => !finished(detail.state)});
        MrMarket.follow(config.pnlUrl, (pnl) => { this.pnl = pnl; },
          {intervalMs: 5000, keepGoing: () => !finished(this.detail.state)});
        this.followActivity();
        // The series of the window chosen now, every sampling slot or so while it runs.
        const poll = async () => {
          await this.loadSeries();
          if (!finished(this.detail.state)) setTimeout(poll, 10000);
        };
        poll();
      },
      followActivity() {
        MrMarket.follow(`${config.activityUrl}?fills_page=${this.fillsPage}`, (activity) => {
          if (activity.fills_page.page === this.fillsPage) this.activity = activity;
        }, {intervalMs: 3000, keepGoing: (activity) => activity.fills_page.page === this.fillsPage && !finished(this.detail.state)});
      },
      seriesUrl() {
        const span = windows[this.windowName];
        return span ? `${config.seriesUrl}?from=${new Date(Date.now() - span).toISOString()}` : config.seriesUrl;
      },
      async loadSeries() {
        try { this.showSeries(await MrMarket.getJson(this.seriesUrl())); } catch (error) { this.series = null; }
      },
      showSeries(series) {
        this.series = series;
        this.$nextTick(() => this.drawCharts());
      },
      async loadResult() {
        try { this.result = await MrMarket.getJson(config.resultUrl); } catch (error) { this.result = null; }
        try { this.pnl = await MrMarket.getJson(config.pnlUrl); } catch (error) { /* kept */ }
      },

      // The state and the controls.
      get stateLabelNow() { return this.stateLabel(this.detail.state); },
      get stateSentenceNow() { return this.stateSentence(this.detail.state); },
      get stateClass() { return `state ${this.detail.state}`; },
      get awaitingPayment() { return ["payment_pending", "payment_incomplete"].includes(this.detail.state); },
      get answerClass() { return this.answerRefused ? "answer refused" : "answer"; },
      stateLabel(state) { return words.states[state]?.label ?? ""; },
      stateSentence(state) { return words.states[state]?.sentence ?? ""; },
      canAct(action) { return words.control_sources[action].includes(this.detail.state); },
      controlDisabled(action) { return this.busy || !this.canAct(action); },
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

      // Numbers to the asset's precision, times in the reader's zone.
      symbol(asset) { return config.assets[asset]?.symbol ?? ""; },
      money(value, asset) { return MrMarket.amount(value, config.assets[asset]?.places ?? 8); },
      quoteMoney(value) { return value === null || value === undefined ? "—" : `${this.money(value, config.quoteAsset)} ${config.pair.quote_symbol}`; },
      baseMoney(value) { return `${this.money(value, config.baseAsset)} ${config.pair.base_symbol}`; },
      price(value) { return MrMarket.amount(value, config.pair.price_precision); },
      size(value) { return MrMarket.amount(value, config.pair.amount_precision); },
      side(value) { return words.sides[value] ?? value; },
      when(iso) { return MrMarket.moment(iso); },

      // The result of an exited order, from the ledger.
      get hasResult() { return Boolean(this.result); },
      get resultRows() {
        return (this.result?.assets || []).map((row) => ({
          key: row.asset_id,
          symbol: this.symbol(row.asset_id),
          paid_in: this.money(row.paid_in, row.asset_id),
          paid_back: this.money(row.paid_back, row.asset_id),
          service_fee: this.money(row.service_fee, row.asset_id),
          network_and_trading_fees: this.money(row.network_and_trading_fees, row.asset_id),
          trading_change: this.money(row.trading_change, row.asset_id),
        }));
      },
      get payouts() {
        return (this.result?.payouts || []).map((payout, index) => ({
          key: index,
          amount: `${this.money(payout.amount, payout.asset_id)} ${this.symbol(payout.asset_id)}`,
          status: words.payout_status[payout.status] ?? payout.status,
          sent_at: this.when(payout.sent_at),
          snapshot_url: payout.snapshot_url,
          snapshot_id: payout.snapshot_id,
          request_id: payout.request_id,
          kernel_hash: payout.kernel_hash,
        }));
      },

      // PnL and activity (the reports' figures; amounts in quote).
      get hasPnl() { return Boolean(this.pnl); },
      get noPnl() { return !this.pnl; },
      get pnlShown() {
        const p = this.pnl;
        if (!p) return {};
        const fills = p.activity.fills;
        return {
          realized: this.quoteMoney(p.realized_pnl),
          unrealized: this.quoteMoney(p.unrealized_pnl),
          fees: this.quoteMoney(p.activity.fees.in_quote),
          trade: this.quoteMoney(p.trade_pnl),
          total: this.quoteMoney(p.total_pnl),
          hold: this.quoteMoney(p.hold_value),
          current: this.quoteMoney(p.current_value),
          volume_base: this.baseMoney(p.activity.volume.base),
          volume_quote: this.quoteMoney(p.activity.volume.quote),
          fills: String(fills.count),
          fills_split: words.pnl.fills_split
            .replace("%(buy)s", fills.maker_buy + fills.taker_buy)
            .replace("%(sell)s", fills.maker_sell + fills.taker_sell)
            .replace("%(maker)s", fills.maker_buy + fills.maker_sell)
            .replace("%(taker)s", fills.taker_buy + fills.taker_sell),
          placed: String(p.activity.orders.placed),
          mark: p.mark ? `${this.price(p.mark.price)} ${config.pair.quote_symbol}` : "—",
        };
      },

      // The charts, from the series API.
      get seriesNote() {
        if (!this.series) return "";
        return words.chart.points.replace("%(points)s", this.series.points)
          .replace("%(seconds)s", this.series.resolution_seconds);
      },
      get bandOptions() {
        const bands = this.series ? this.series.bands_bps : [Number(this.band)];
        return bands.map((band) => ({value: String(band), label: `±${band} bps`}));
      },
      get seriesPoints() { return this.series ? this.series.points : 0; },
      get hasSeries() { return this.seriesPoints > 0; },
      get noSeries() { return !this.hasSeries; },
      drawCharts() {
        const s = this.series;
        if (!s) return;
        const c = words.chart;
        const fills = (side) => s.fills.filter((f) => f.side === side).map((f) => [f.time, f.price]);
        MrMarketChart.draw(document.getElementById("chart"), [
          {label: c.mid, color: "#555", points: column(s, s.mid)},
          {label: c.bid, color: "#1a7f37", points: column(s, s.own_bid)},
          {label: c.ask, color: "#c0392b", points: column(s, s.own_ask)},
          {label: c.buy_fill, color: "#0b5cad", dots: true, points: fills("buy")},
          {label: c.sell_fill, color: "#8e44ad", dots: true, points: fills("sell")},
        ]);
        MrMarketChart.draw(document.getElementById("spread-chart"), [
          {label: c.spread, color: "#0b5cad", points: column(s, s.spread_bps)},
          {label: c.market_spread, color: "#888", points: column(s, s.market_spread_bps)},
        ], {height: 160});
        MrMarketChart.draw(document.getElementById("depth-chart"), [
          {label: c.depth_bid, color: "#1a7f37", points: column(s, s.own_depth.bid[this.band])},
          {label: c.depth_ask, color: "#c0392b", points: column(s, s.own_depth.ask[this.band])},
        ], {height: 160});
        MrMarketChart.draw(document.getElementById("inventory-chart"), [
          {label: config.pair.base_symbol, color: "#8e44ad", points: column(s, s.inventory.base)},
          {label: config.pair.quote_symbol, color: "#0b5cad", right: true, points: column(s, s.inventory.quote)},
        ], {height: 160});
        MrMarketChart.draw(document.getElementById("equity-chart"), [
          {label: c.equity, color: "#1d1f23", points: column(s, s.equity)},
        ], {height: 160});
      },

      // Open quotes and the fills, newest first, a page at a time.
      get openQuotes() {
        return this.activity.open_quotes.map((q, index) => ({
          key: index, side: this.side(q.side), price: this.price(q.price), amount: this.size(q.amount), filled: this.size(q.filled),
        }));
      },
      get noOpenQuotes() { return !this.activity.open_quotes.length; },
      get fillRows() {
        return this.activity.fills.map((f) => ({
          key: f.trade_id,
          when: this.when(f.traded_at),
          side: this.side(f.side),
          price: this.price(f.price),
          amount: this.size(f.amount),
          fee: f.fee === "0" ? "0" : `${MrMarket.amount(f.fee)} ${f.fee_asset}`,
          trade_id: f.trade_id,
        }));
      },
      get noFills() { return !this.activity.fills.length; },
      get hasNewerFills() { return this.fillsPage > 1; },
      get hasOlderFills() { return this.activity.fills_page.has_more; },
      get fillsPageNote() { return words.fills_page.replace("%(page)s", this.fillsPage); },
      olderFills() { this.fillsPage += 1; this.followActivity(); },
      newerFills() { this.fillsPage = Math.max(1, this.fillsPage - 1); this.followActivity(); },

      // Where the funds are, the timeline and the legs.
      get balanceRows() {
        return Object.entries(this.detail.balances).map(([asset, b]) => ({
          key: asset,
          symbol: this.symbol(asset),
          available: this.money(b.available, asset),
          in_transit: this.money(b.in_transit, asset),
          on_exchange: this.money(b.on_exchange, asset),
          locked: this.money(b.locked, asset),
          fees_paid: this.money(b.fees_paid, asset),
        }));
      },
      get noBalances() { return !Object.keys(this.detail.balances).length; },
      get timelineRows() {
        return this.detail.timeline.map((event, index) => ({key: index, when: this.when(event.at), words: this.eventWords(event)}));
      },
      get legRows() {
        return this.detail.legs.map((leg) => ({
          ...leg,
          symbol: this.symbol(leg.asset_id),
          amount: this.money(leg.amount, leg.asset_id),
          returned: this.money(leg.returned_amount, leg.asset_id),
        }));
      },
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

      // The owner's switch: the report, PnL, series and lifecycle readable by anyone.
      async setProof() {
        const wanted = this.proofPublic;
        const reply = await MrMarket.send(config.proofUrl, {body: {public: wanted}}).catch(() => null);
        if (reply?.ok) {
          this.proofPublic = reply.body.proof_public;
          this.proofAnswer = this.proofPublic ? words.proof.public : words.proof.private;
        } else {
          this.proofPublic = !wanted;
          this.proofAnswer = words.controls.failed;
        }
      },
    };
  });
});
