// Mounts Stripe's Payment Element on the Stripe page and confirms the payment with Stripe.js.
// Card numbers are typed into Stripe's own frame and sent to Stripe only; Stripe then sends the
// buyer back to data-return-url with ?payment_intent=... (or shows 3-D Secure, Alipay or WeChat
// Pay first). Errors that Stripe can show at once (an incomplete card) stay on this page.
(function () {
  "use strict";
  const form = document.getElementById("stripe-payment-form");
  if (!form || typeof window.Stripe !== "function") {
    return;
  }
  const stripe = window.Stripe(form.dataset.publishableKey, { locale: form.dataset.locale });
  const elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  const message = document.getElementById("payment-message");
  const button = document.getElementById("stripe-submit");
  const container = document.getElementById("payment-element");
  container.replaceChildren();
  elements.create("payment").mount(container);

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
    message.hidden = true;
    const result = await stripe.confirmPayment({
      elements: elements,
      confirmParams: { return_url: form.dataset.returnUrl },
    });
    // Reached only when Stripe did not send the buyer away: show its message, let them fix it.
    if (result.error) {
      message.textContent = result.error.message;
      message.hidden = false;
    }
    button.disabled = false;
  });
})();
