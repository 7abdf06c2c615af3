// The user pages' behaviour: follow an order live, send control actions, preview a
// configuration. Vanilla JS, no dependencies; the pages work (read-only) without it.
"use strict";

const MrMarket = (() => {
  const csrfToken = () => document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";

  const newKey = () => {
    if (window.crypto?.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };

  // Decimal text as the API writes it ("1.500000000000000000", "0E-18", "1.5E-7") shown
  // plainly ("1.5", "0", "0.00000015"): string work only, amounts never become floats.
  const plain = (value) => {
    const match = /^(-?)(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(value);
    if (!match) return value;
    const [, sign, whole, fraction = "", exponent] = match;
    const digits = whole + fraction;
    const point = whole.length + Number(exponent);
    if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
    if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  };
  const amount = (text) => {
    if (text === null || text === undefined || text === "") return "";
    let value = plain(String(text));
    if (value.includes(".")) value = value.replace(/0+$/, "").replace(/\.$/, "");
    value = value.replace(/^(-?)0+(?=\d)/, "$1");
    return value === "-0" ? "0" : value;
  };

  // "2026-01-05T12:00:00.123456+00:00" → "2026-01-05 12:00:00" (the API's times are UTC).
  const moment = (iso) => String(iso ?? "").replace("T", " ").slice(0, 19);

  const lookup = (data, path) =>
    path.split(".").reduce((value, key) => (value == null ? undefined : value[key]), data);

  // Elements with data-bind="a.b.0.c" show that field of the order's API answer.
  const bind = (detail) => {
    for (const element of document.querySelectorAll("[data-bind]")) {
      const value = lookup(detail, element.dataset.bind);
      const text = value == null ? "" : element.dataset.format === "amount" ? amount(value) : String(value);
      if (element.textContent !== text) element.textContent = text;
      if (element.dataset.bind === "state") element.className = `state ${text}`;
    }
  };

  const rows = (tbody, items, cells) => {
    tbody.replaceChildren(...items.map((item) => {
      const row = document.createElement("tr");
      for (const cell of cells(item)) {
        const td = document.createElement("td");
        td.textContent = cell ?? "";
        row.append(td);
      }
      return row;
    }));
  };

  // Poll the order API every second until the order reaches one of `until`.
  const followOrder = ({url, until, onState, onDetail, intervalMs = 1000}) => {
    let last = null;
    const tick = async () => {
      let detail;
      try {
        const response = await fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"});
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        detail = await response.json();
      } catch (error) {
        setTimeout(tick, intervalMs * 3);  // the server is busy or restarting: ask again later
        return;
      }
      bind(detail);
      if (detail.state !== last) {
        last = detail.state;
        onState?.(detail.state);
      }
      onDetail?.(detail);
      if (!until.includes(detail.state)) setTimeout(tick, intervalMs);
    };
    tick();
  };

  // Each click is a new request with its own Idempotency-Key; a 409 shows the refusal.
  const actionButtons = ({answer}) => {
    for (const button of document.querySelectorAll("button[data-action]")) {
      button.addEventListener("click", async () => {
        button.disabled = true;
        answer.className = "answer";
        answer.textContent = `${button.dataset.action}…`;
        try {
          const response = await fetch(button.dataset.url, {
            method: "POST",
            credentials: "same-origin",
            headers: {"Idempotency-Key": newKey(), "X-CSRFToken": csrfToken(), Accept: "application/json"},
          });
          const body = await response.json();
          if (response.ok) {
            answer.textContent = `${button.dataset.action}: accepted, the order is ${body.state}.`;
          } else {
            const state = body.error?.detail?.state;
            answer.className = "answer refused";
            answer.textContent = `${button.dataset.action} refused (${response.status}): ${body.error?.message || "error"}` +
              (state ? ` The order is ${state}.` : "");
          }
        } catch (error) {
          answer.className = "answer refused";
          answer.textContent = `${button.dataset.action} failed: ${error}`;
        } finally {
          button.disabled = false;
        }
      });
    }
  };

  // The create form's dry run: the pair's current book from the server, then the preview API.
  const previewForm = ({form, previewUrl, marketUrl}) => {
    const button = document.getElementById("preview");
    const section = document.getElementById("preview-result");
    const errorLine = document.getElementById("preview-error");
    button.addEventListener("click", async () => {
      errorLine.textContent = "";
      const data = new FormData(form);
      const overrides = {};
      for (const [name, value] of data.entries()) {
        if (name.startsWith("override_") && String(value).trim()) overrides[name.slice(9)] = String(value).trim();
      }
      try {
        const market = await fetch(marketUrl.replace("/0/", `/${data.get("pair")}/`), {credentials: "same-origin"});
        const marketBody = await market.json();
        if (!market.ok) throw new Error(marketBody.error?.message || `HTTP ${market.status}`);
        const response = await fetch(previewUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
          body: JSON.stringify({
            preset: data.get("preset"),
            overrides,
            market: marketBody,
            balances: {base: data.get("base_amount") || "0", quote: data.get("quote_amount") || "0"},
          }),
        });
        const body = await response.json();
        if (!response.ok) {
          const detail = body.error?.detail ? ` ${JSON.stringify(body.error.detail)}` : "";
          throw new Error(`${body.error?.message || response.status}${detail}`);
        }
        document.getElementById("preview-reference").textContent = body.reference_price ?? "none";
        document.getElementById("preview-hash").textContent = body.config_hash;
        rows(document.getElementById("preview-orders"), body.orders, (o) => [o.side, o.level, o.price, o.amount]);
        const dropped = document.getElementById("preview-dropped");
        dropped.replaceChildren(...body.dropped.map((d) => {
          const item = document.createElement("li");
          item.textContent = `${d.side} level ${d.level} not placed: ${d.reason}`;
          return item;
        }));
        section.hidden = false;
      } catch (error) {
        section.hidden = true;
        errorLine.textContent = `Preview failed: ${error.message}`;
      }
    });
  };

  return {amount, moment, rows, followOrder, actionButtons, previewForm};
})();
