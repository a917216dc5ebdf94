// gridgov registry person pages: the reveal of a masked ID number or phone (htmx).
(function () {
  "use strict";

  // A refused reveal (400 no reason, 403 not allowed, 429 hourly limit) answers with the message
  // to show; htmx leaves error responses out unless told to swap them in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 400 || status === 403 || status === 429) && event.detail.target.closest(".gg-reveal")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A revealed value is hidden again after its time (data-gg-expire, in seconds).
  function expire(root) {
    root.querySelectorAll("[data-gg-expire]").forEach(function (element) {
      var seconds = Number(element.dataset.ggExpire) || 60;
      element.removeAttribute("data-gg-expire");
      window.setTimeout(function () {
        element.textContent = element.dataset.ggExpired || "";
        element.classList.add("gg-expired");
      }, seconds * 1000);
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    expire(event.detail.target);
    var form = event.detail.target.closest(".gg-reveal") && event.detail.target.parentElement.querySelector("form");
    if (form && !event.detail.target.querySelector(".gg-reveal-error")) {
      form.reset();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    expire(document);
  });
})();
