// The campaign create page: one form per campaign type, posted to the campaign API with an
// Idempotency-Key; every refusal is shown next to its field at once. On success the page
// moves to the campaign's funding page.
"use strict";

document.addEventListener("alpine:init", () => {
  Alpine.data("campaignForm", (apiUrl, createUrl) => {
    const words = JSON.parse(document.getElementById("form-words").textContent);
    const pad = (n) => String(n).padStart(2, "0");
    const utcInput = (date) =>
      `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
    const start = new Date(Date.now() + 10 * 60 * 1000);
    const end = new Date(start.getTime() + 3 * 24 * 3600 * 1000);
    const firstToken = words.tokens[0]?.key || "";
    return {
      values: {
        type: "MARKET_MAKING",
        exchange: "binance",
        start_date: utcInput(start),
        end_date: utcInput(end),
        fund_token: firstToken,
        funding_method: words.has_mixin ? "mixin" : "evm",
      },
      errors: {},
      busy: false,
      key: MrMarket.newKey(),
      types() { return words.types; },
      tokens() { return words.tokens; },
      typeFields() { return words.types.find((t) => t.type === this.values.type)?.fields || []; },
      isType(type) { return this.values.type === type; },
      isToken(key) { return this.values.fund_token === key; },
      isMethod(method) { return this.values.funding_method === method; },
      token() { return words.tokens.find((t) => t.key === this.values.fund_token); },
      tokenLabel(token) { return token.label; },
      tokenUnit() { return this.token()?.symbol || ""; },
      mixinUnavailable() { return !words.has_mixin || !this.token()?.mixin; },
      fieldId(field) { return `f-${field.name}`; },
      helpId(field) { return `h-${field.name}`; },
      valueOf(name) { return this.values[name] ?? ""; },
      errorsOf(name) { return (this.errors[name] || []).join(" "); },
      invalid(name) { return this.errors[name] ? "true" : "false"; },
      hasErrors() { return Object.keys(this.errors).length > 0; },
      summary() { return this.errors.__all__ ? this.errors.__all__.join(" ") : words.summary; },
      onType(event) { this.values.type = event.target.value; this.errors = {}; },
      onInput(event) { this.values[event.target.name] = event.target.value; },
      body() {
        const fields = new Set(this.typeFields().map((f) => f.name));
        const token = this.token();
        const body = {
          type: this.values.type,
          exchange: this.values.exchange,
          start_date: this.values.start_date ? `${this.values.start_date}:00Z` : "",
          end_date: this.values.end_date ? `${this.values.end_date}:00Z` : "",
          chain_id: token ? token.chain_id : null,
          fund_token: token ? token.symbol : "",
          fund_amount: this.values.fund_amount || "",
          funding_method: this.values.funding_method,
        };
        if (this.values.funding_method === "evm" && this.values.funder_address) {
          body.funder_address = this.values.funder_address;
        }
        for (const name of fields) {
          const raw = (this.values[name] ?? "").trim();
          if (raw === "") continue;
          if (name === "max_participants") body[name] = /^\d+$/.test(raw) ? Number(raw) : raw;
          else if (name === "rewards_distribution") body[name] = raw.split(",").map((s) => s.trim()).filter(Boolean);
          else body[name] = raw;
        }
        return body;
      },
      async submit() {
        this.busy = true;
        const answer = await MrMarket.send(apiUrl, {body: this.body(), key: this.key});
        this.busy = false;
        if (answer.status === 201) {
          window.location.assign(createUrl.replace(/new\/$/, `launches/${answer.body.id}/`));
          return;
        }
        if (answer.status === 422) this.key = MrMarket.newKey();
        this.errors = MrMarket.fieldErrors(answer.body);
        const first = document.querySelector("[aria-invalid=true]");
        if (first) first.focus();
      },
    };
  });
});
