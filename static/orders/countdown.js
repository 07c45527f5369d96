// Flash-sale countdowns: every <time class="countdown" data-ends-at="ISO 8601"> shows the time
// left as "2 d 03:04:05", updated every second. The server renders a fallback text inside, so
// the page reads well without JavaScript. When the moment passes, the element shows its
// data-done text (for example "Ended" or "On now: reload").
// Loaded by each fragment that has countdowns; a second copy does nothing.
(() => {
  if (window.ordersCountdown) return;
  window.ordersCountdown = true;

  const pad = (n) => String(n).padStart(2, "0");

  function format(seconds, dayLabel) {
    const days = Math.floor(seconds / 86400);
    const hours = Math.floor((seconds % 86400) / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const clock = `${pad(hours)}:${pad(minutes)}:${pad(seconds % 60)}`;
    return days > 0 ? `${days} ${dayLabel} ${clock}` : clock;
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll("time.countdown[data-ends-at]").forEach((element) => {
      const end = Date.parse(element.dataset.endsAt);
      if (Number.isNaN(end)) return;
      const left = Math.max(0, Math.floor((end - now) / 1000));
      const text = left > 0 ? format(left, element.dataset.dayLabel || "d") : element.dataset.done || "00:00:00";
      if (element.textContent !== text) element.textContent = text;
      if (left === 0) element.classList.add("countdown-done");
    });
  }

  function start() {
    tick();
    setInterval(tick, 1000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
