// The user pages' behaviour on top of Alpine.js (static/vendor/alpinejs): every read and
// write goes to /api/v1/. Amounts stay decimal strings end to end: they are rounded and
// shown by string work, never turned into floats (only the chart's points are floats).
"use strict";

const MrMarket = (() => {
  const csrfToken = () => document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
  const words = () => JSON.parse(document.getElementById("page-words")?.textContent || "{}");

  const newKey = () => {
    if (window.crypto?.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };

  // "1.5E-7" → "0.00000015": decimal text without an exponent.
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

  // Round decimal text to `places` (half away from zero) and drop trailing zeros.
  const amount = (text, places = 8) => {
    if (text === null || text === undefined || text === "") return "";
    let value = plain(String(text).trim());
    const negative = value.startsWith("-");
    if (negative) value = value.slice(1);
    let [whole, fraction = ""] = value.split(".");
    whole = whole || "0";
    if (fraction.length > places) {
      const roundUp = fraction[places] >= "5";
      let digits = (whole + fraction.slice(0, places)).split("").map(Number);
      if (roundUp) {
        let i = digits.length - 1;
        while (i >= 0) {
          if (digits[i] === 9) { digits[i] = 0; i -= 1; } else { digits[i] += 1; break; }
        }
        if (i < 0) digits = [1, ...digits];
      }
      const joined = digits.join("");
      whole = joined.slice(0, joined.length - places) || "0";
      fraction = joined.slice(joined.length - places);
    }
    fraction = fraction.replace(/0+$/, "");
    whole = whole.replace(/^0+(?=\d)/, "");
    const shown = fraction ? `${whole}.${fraction}` : whole;
    return negative && /[1-9]/.test(shown) ? `-${shown}` : shown;
  };

  // Decimal text times 100 or divided by 100, by moving the point.
  const shift = (text, by) => {
    const value = plain(String(text).trim());
    if (!/^-?\d*\.?\d*$/.test(value) || value === "" || value === "-") return text;
    const negative = value.startsWith("-");
    let [whole, fraction = ""] = (negative ? value.slice(1) : value).split(".");
    if (by > 0) {
      fraction = fraction.padEnd(by, "0");
      whole += fraction.slice(0, by);
      fraction = fraction.slice(by);
    } else {
      whole = whole.padStart(-by + 1, "0");
      fraction = whole.slice(whole.length + by) + fraction;
      whole = whole.slice(0, whole.length + by);
    }
    const result = amount(`${negative ? "-" : ""}${whole || "0"}.${fraction}`, 30);
    return result;
  };
  const percentOf = (fraction) => shift(fraction, 2);
  const fractionOf = (percent) => shift(percent, -2);

  // Times in the reader's own zone and language.
  const moment = (iso) => {
    if (!iso) return "";
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    return date.toLocaleString(document.documentElement.lang || undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
  };
  const localizeTimes = (root = document) => {
    for (const element of root.querySelectorAll("time[datetime]")) {
      element.textContent = moment(element.getAttribute("datetime"));
    }
  };

  const getJson = async (url) => {
    const response = await fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"});
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.error?.message || `HTTP ${response.status}`);
      error.body = body;
      error.status = response.status;
      throw error;
    }
    return body;
  };
  const send = async (url, {method = "POST", body, key} = {}) => {
    const headers = {Accept: "application/json", "X-CSRFToken": csrfToken()};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (key) headers["Idempotency-Key"] = key;
    const response = await fetch(url, {
      method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {status: response.status, ok: response.ok, body: await response.json().catch(() => ({}))};
  };

  // Call `onDetail` with the order API's answer every `intervalMs` while `keepGoing` says so.
  const follow = (url, onDetail, {intervalMs = 1000, keepGoing = () => true} = {}) => {
    const tick = async () => {
      try {
        const detail = await getJson(url);
        onDetail(detail);
        if (keepGoing(detail)) setTimeout(tick, intervalMs);
      } catch (error) {
        setTimeout(tick, intervalMs * 3);  // busy or restarting: ask again later
      }
    };
    tick();
  };

  // An API 400 body as {field: [messages]}: nested serializer errors are flattened to the
  // name of the field they are about ("strategy.preset" → "preset").
  const fieldErrors = (body) => {
    const out = {};
    const walk = (value, name) => {
      if (Array.isArray(value)) {
        for (const item of value) {
          if (typeof item === "string") (out[name] ||= []).push(item);
          else walk(item, name);
        }
      } else if (value && typeof value === "object") {
        for (const [key, inner] of Object.entries(value)) walk(inner, key === "overrides" ? name : key);
      } else if (value !== undefined && value !== null) {
        (out[name] ||= []).push(String(value));
      }
    };
    walk(body?.error?.detail, "__all__");
    if (!Object.keys(out).length && body?.error?.message) out.__all__ = [body.error.message];
    return out;
  };

  // A page's config holds each per-row URL reversed with the nil UUID (pages.ANY_ID);
  // the row's own id takes its place.
  const ANY_ID = "00000000-0000-0000-0000-000000000000";
  const withId = (url, id) => url.replace(ANY_ID, id);
  return {amount, percentOf, fractionOf, moment, localizeTimes, getJson, send, follow, fieldErrors, newKey, words, withId};
})();

document.addEventListener("DOMContentLoaded", () => MrMarket.localizeTimes());
