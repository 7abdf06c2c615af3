// The pay page: follows the order through the order API until it quotes or ends, and
// shows each invoice entry's payment and the steps still ahead.
"use strict";

document.addEventListener("alpine:init", () => {
  Alpine.data("payPage", () => {
    const words = MrMarket.words();
    const config = JSON.parse(document.getElementById("pay-config").textContent);
    return {
      state: config.state,
      entries: [],
      init() {
        MrMarket.follow(config.detailUrl, (detail) => {
          this.state = detail.state;
          this.entries = detail.payment.entries;
        }, {keepGoing: (detail) => !words.settled.includes(detail.state)});
      },
      label() { return words.states[this.state]?.label ?? ""; },
      sentence() { return words.states[this.state]?.sentence ?? ""; },
      get stateClass() { return `state ${this.state}`; },
      running() { return this.state === "running"; },
      awaiting() { return ["payment_pending", "payment_incomplete"].includes(this.state); },
      // Until the first answer, each entry as the server rendered it.
      paid(index) {
        const entry = this.entries[index];
        return entry ? MrMarket.amount(entry.paid) : config.entries[index].paid;
      },
      entryStatus(index) {
        const entry = this.entries[index];
        if (!entry) return config.entries[index].status;
        const due = Number(entry.amount), paid = Number(entry.paid);  // only compared, never shown
        if (paid >= due) return words.entry.paid;
        if (paid > 0) return words.entry.partly;
        return this.awaiting() ? words.entry.waiting : words.entry.unpaid;
      },
      stepClass(step) { return this.stepDone(step) ? "done" : ""; },
      stepWord(step) { return this.stepDone(step) ? words.done : ""; },
      stepDone(step) {
        if (words.after_funding.includes(this.state)) return true;
        const order = words.funding_order;
        const at = order.indexOf(this.state);
        return at >= 0 && at >= order.indexOf(step);
      },
    };
  });
});
