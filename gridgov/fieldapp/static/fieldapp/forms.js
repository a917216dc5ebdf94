// The forms of the app. Another app adds a form by calling, from its own script loaded after
// this one, FieldApp.forms.register({kind, title, render(container, bundle) -> collect}),
// where collect() returns the body to queue, or null after showing what is missing.
"use strict";
(function (app) {
  const registered = [];
  app.forms = {
    register(form) {
      registered.push(form);
      app.emit("forms");
    },
    all: () => registered.slice(),
  };

  app.fieldError = function (container, name, messages) {
    const input = container.querySelector(`[name="${name}"]`);
    const target = input ? input.closest(".mb-3") || input.parentElement : container;
    let box = target.querySelector(".field-errors");
    if (!box) {
      box = document.createElement("div");
      box.className = "field-errors invalid-feedback d-block";
      target.appendChild(box);
    }
    box.textContent = messages.join(" ");
  };
})(window.FieldApp);
