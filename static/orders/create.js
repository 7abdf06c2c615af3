// The create page: pick a pair and a preset, set the preset's fields, dry-run the quotes it
// would place against the pair's current book, and create the order through the order API.
"use strict";

document.addEventListener("alpine:init", () => {
  Alpine.data("createOrder", () => {
    const config = JSON.parse(document.getElementById("create-config").textContent);
    const initialValues = (preset) => {
      const values = {};
      for (const field of [...preset.fields.first, ...preset.fields.advanced]) {
        const value = field.default;
        if (field.type === "boolean") values[field.name] = Boolean(value);
        else if (value === null || value === undefined) values[field.name] = "";
        else values[field.name] = field.percent ? MrMarket.percentOf(String(value)) : String(value);
      }
      return values;
    };
    return {
      pairs: config.pairs,
      presets: config.presets,
      pairId: config.pairs[0]?.id ?? null,
      presetName: config.presets[0]?.name ?? null,
      values: config.presets[0] ? initialValues(config.presets[0]) : {},
      baseAmount: "",
      quoteAmount: "",
      errors: {},
      busy: false,
      book: null,
      bookError: "",
      invoice: null,

      get pair() { return this.pairs.find((p) => p.id === Number(this.pairId)); },
      get preset() { return this.presets.find((p) => p.name === this.presetName); },
      pickPreset(name) {
        this.presetName = name;
        this.values = initialValues(this.preset);
        this.book = null;
        this.invoice = null;
      },
      unit(field) {
        if (field.unit === "base") return this.pair?.base_symbol || "";
        if (field.unit === "quote") return this.pair?.quote_symbol || "";
        return field.unit;
      },
      errorsOf(name) { return this.errors[name] || []; },
      hasErrors(name) { return this.errorsOf(name).length > 0; },
      errorText(name) { return this.errorsOf(name).join(" "); },
      get baseSymbol() { return this.pair?.base_symbol || ""; },
      get quoteSymbol() { return this.pair?.quote_symbol || ""; },
      get baseShown() { return this.baseAmount || "0"; },
      get quoteShown() { return this.quoteAmount || "0"; },
      get firstFields() { return this.preset ? this.preset.fields.first : []; },
      get advancedFields() { return this.preset ? this.preset.fields.advanced : []; },
      get hasDropped() { return Boolean(this.book && this.book.dropped.length); },
      get invoiceLines() { return this.invoice?.lines || []; },
      get invoiceTotals() { return this.invoice?.totals || []; },
      get noInvoice() { return !this.invoice; },
      fieldKey(field) { return `${this.presetName}-${field.name}`; },
      fieldId(field) { return `f-${field.name}`; },
      isType(field, type) { return field.type === type; },
      isNumber(field) { return field.type === "decimal" || field.type === "integer"; },
      inputMode(field) { return field.type === "integer" ? "numeric" : "decimal"; },
      get errorList() {
        return Object.entries(this.errors).flatMap(([name, messages]) =>
          messages.map((message) => ({name, label: config.labels[name] || "", message})));
      },

      // What the user changed from the preset, and every field the preset asks for.
      overrides() {
        const start = initialValues(this.preset);
        const fields = [...this.preset.fields.first, ...this.preset.fields.advanced];
        const out = {};
        for (const field of fields) {
          const value = this.values[field.name];
          if (!field.required && value === start[field.name]) continue;
          if (field.type === "boolean") out[field.name] = Boolean(value);
          else if (String(value).trim() === "") continue;  // the API names a missing required field
          else out[field.name] = field.percent ? MrMarket.fractionOf(String(value).trim()) : String(value).trim();
        }
        return out;
      },

      requestBody() {
        return {
          pair_id: Number(this.pairId),
          strategy: {preset: this.presetName, overrides: this.overrides()},
          base_amount: this.baseAmount.trim() || "0",
          quote_amount: this.quoteAmount.trim() || "0",
        };
      },

      // The exact invoice this request would get, every fee line with its amount.
      async quoteInvoice() {
        const answer = await MrMarket.send(config.invoiceUrl, {body: this.requestBody()});
        if (!answer.ok) {
          this.invoice = null;
          this.errors = MrMarket.fieldErrors(answer.body);
          return false;
        }
        const symbols = this.pair.symbols;
        const line = (l) => ({...l, amount: MrMarket.amount(l.amount), symbol: symbols[l.asset_id] || ""});
        this.invoice = {
          lines: answer.body.lines.map((l) => ({...line(l), label: config.purposes[l.purpose] || l.purpose})),
          totals: answer.body.totals.map(line),
        };
        return true;
      },

      async dryRun() {
        this.bookError = "";
        this.busy = true;
        try {
          if (!(await this.quoteInvoice())) return;
          const market = await MrMarket.getJson(config.marketUrl.replace("/0/", `/${this.pairId}/`));
          const answer = await MrMarket.send(config.previewUrl, {body: {
            preset: this.presetName,
            overrides: this.overrides(),
            market,
            balances: {base: this.baseAmount || "0", quote: this.quoteAmount || "0"},
          }});
          if (!answer.ok) {
            this.errors = MrMarket.fieldErrors(answer.body);
            this.book = null;
            return;
          }
          this.errors = {};
          const places = {price: this.pair.price_precision, amount: this.pair.amount_precision};
          const row = (o) => ({...o, price: MrMarket.amount(o.price, places.price), amount: MrMarket.amount(o.amount, places.amount)});
          const byPrice = (a, b) => Number(b.price) - Number(a.price);
          this.book = {
            asks: answer.body.orders.filter((o) => o.side === "sell").map(row).sort(byPrice),
            bids: answer.body.orders.filter((o) => o.side === "buy").map(row).sort(byPrice),
            reference: MrMarket.amount(answer.body.reference_price, places.price),
            dropped: answer.body.dropped,
          };
        } catch (error) {
          this.book = null;
          this.bookError = error.message;
        } finally {
          this.busy = false;
        }
      },

      async create() {
        this.busy = true;
        try {
          const answer = await MrMarket.send(config.createUrl, {body: this.requestBody()});
          if (answer.status === 201) {
            window.location.assign(MrMarket.withId(config.payUrl, answer.body.id));
            return;
          }
          this.errors = MrMarket.fieldErrors(answer.body);
          this.$nextTick(() => document.getElementById("error-summary")?.focus());
        } catch (error) {
          this.errors = {__all__: [error.message]};
        } finally {
          this.busy = false;
        }
      },
    };
  });
});
