// "Report a case": category, description, up to 3 photos from the camera, the phone's location.
"use strict";
(function (app) {
  const MAX_PHOTOS = 3;
  const MAX_SIDE = 1600;
  const t = (name) => app.strings[name] || name;

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => (k === "text" ? (node.textContent = v) : node.setAttribute(k, v)));
    (children || []).forEach((c) => node.appendChild(c));
    return node;
  }

  function field(label, input) {
    return el("div", { class: "mb-3" }, [el("label", { class: "form-label", for: input.id, text: label }), input]);
  }

  // A photo as a JPEG data URL no larger than MAX_SIDE pixels a side.
  function shrink(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onerror = () => reject(reader.error);
      reader.onload = () => {
        const image = new Image();
        image.onerror = reject;
        image.onload = () => {
          const scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
          const canvas = document.createElement("canvas");
          canvas.width = Math.round(image.width * scale);
          canvas.height = Math.round(image.height * scale);
          canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.85));
        };
        image.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  function categoryOptions(select, bundle) {
    select.appendChild(el("option", { value: "", text: t("choose") }));
    for (const top of (bundle && bundle.categories) || []) {
      if (!top.children.length) {
        select.appendChild(el("option", { value: top.code, text: top.name }));
        continue;
      }
      const group = el("optgroup", { label: top.name });
      top.children.forEach((c) => group.appendChild(el("option", { value: c.code, text: c.name })));
      select.appendChild(group);
    }
  }

  function render(container, bundle) {
    const category = el("select", { id: "case-category", name: "category", class: "form-select", required: "" });
    categoryOptions(category, bundle);
    const description = el("textarea", { id: "case-description", name: "description", class: "form-control", rows: "3", required: "" });
    const photos = el("input", { id: "case-photos", name: "photos", type: "file", accept: "image/*", capture: "environment", multiple: "", class: "form-control" });
    const lon = el("input", { id: "case-lon", name: "lon", class: "form-control", inputmode: "decimal", placeholder: "lon" });
    const lat = el("input", { id: "case-lat", name: "lat", class: "form-control", inputmode: "decimal", placeholder: "lat" });
    const locate = el("button", { type: "button", class: "btn btn-outline-secondary btn-sm mt-2", text: t("locate") });
    const where = el("div", { class: "mb-3" }, [
      el("label", { class: "form-label", text: t("location") }),
      el("div", { class: "d-flex gap-2" }, [lon, lat]),
      locate,
    ]);
    const address = el("input", { id: "case-address", name: "address", class: "form-control" });
    container.append(
      field(t("category"), category),
      field(t("description"), description),
      field(t("photo"), photos),
      where,
      field(t("address"), address),
    );

    function findMe() {
      if (!navigator.geolocation) return;
      locate.textContent = t("locating");
      navigator.geolocation.getCurrentPosition(
        (position) => {
          lon.value = position.coords.longitude.toFixed(6);
          lat.value = position.coords.latitude.toFixed(6);
          locate.textContent = t("locate");
        },
        () => (locate.textContent = t("location_failed")),
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    }
    locate.addEventListener("click", findMe);
    findMe();
    // After a saved report the form is cleared: the place is most likely still the same.
    const form = container.closest("form");
    if (form) {
      form.addEventListener("reset", () => {
        const [x, y] = [lon.value, lat.value];
        setTimeout(() => {
          [lon.value, lat.value] = [x, y];
          findMe();
        }, 0);
      });
    }

    return async function collect() {
      container.querySelectorAll(".field-errors").forEach((n) => n.remove());
      const missing = [];
      if (!category.value) missing.push("category");
      if (!description.value.trim()) missing.push("description");
      if (!lon.value || !lat.value) missing.push("lon");
      if (photos.files.length > MAX_PHOTOS) {
        app.fieldError(container, "photos", [t("too_many_photos").replace("%(n)s", MAX_PHOTOS)]);
        return null;
      }
      if (missing.length) {
        missing.forEach((name) => app.fieldError(container, name, [t("required")]));
        return null;
      }
      const images = [];
      for (const file of photos.files) images.push(await shrink(file));
      return {
        category: category.value,
        description: description.value.trim(),
        lon: Number(lon.value),
        lat: Number(lat.value),
        crs: "wgs84",
        address: address.value.trim(),
        photos: images,
      };
    };
  }

  app.forms.register({ kind: "case.report", title: t("report_case"), render });
})(window.FieldApp);
