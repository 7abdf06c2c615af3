// A campaign's funding page: follows the launch through the campaign API until its escrow
// is funded (or the launch ends), and cancels it on request before any fund arrived.
"use strict";

document.addEventListener("alpine:init", () => {
  Alpine.data("fundPage", (url, cancelUrl, initialState) => {
    const words = MrMarket.words();
    return {
      state: initialState,
      amountPaid: "",
      escrowAddress: "",
      txHash: "",
      lastError: "",
      events: [],
      paidAnything: false,
      busy: false,
      init() {
        MrMarket.follow(url, (detail) => this.show(detail), {
          keepGoing: (detail) => !words.settled.includes(detail.state),
        });
      },
      show(detail) {
        this.state = detail.state;
        this.amountPaid = detail.payment ? MrMarket.amount(detail.payment.amount_paid) : "";
        this.paidAnything = Boolean(detail.payment && Number(detail.payment.amount_paid) > 0);  // only compared
        this.escrowAddress = detail.escrow ? detail.escrow.address : "";
        this.txHash = detail.funding_tx_hash;
        this.lastError = detail.last_error;
        this.events = detail.events;
      },
      label() { return words.states[this.state]?.label ?? ""; },
      sentence() { return words.states[this.state]?.sentence ?? ""; },
      awaiting() { return ["draft", "awaiting_funding"].includes(this.state); },
      funded() { return this.state === "funded"; },
      hasEscrow() { return this.escrowAddress !== ""; },
      noEscrow() { return this.escrowAddress === ""; },
      cancellable() { return this.awaiting() && !this.paidAnything; },
      when(event) { return MrMarket.moment(event.created_at); },
      async cancel() {
        this.busy = true;
        const answer = await MrMarket.send(cancelUrl, {key: MrMarket.newKey()});
        this.busy = false;
        if (answer.ok) this.show(answer.body);
        else this.lastError = answer.body?.error?.message || "";
      },
    };
  });
});
