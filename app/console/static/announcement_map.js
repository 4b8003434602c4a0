/* The composer's map: the residences' footprints and their buildings, a building's marker
   ticks its checkbox (the form stays the source of truth), and a small drawing tool fills the
   hidden `area` field with a GeoJSON polygon. Without this file the checkboxes do the job. */
(function () {
  "use strict";

  var container = document.getElementById("announcement-map");
  if (!container || typeof L === "undefined") {
    return;
  }
  var form = container.closest("form");
  var areaField = document.getElementById("area");
  var status = document.getElementById("area-status");
  var areaRadio = document.getElementById("target-area");
  var buildingsRadio = document.getElementById("target-buildings");
  var sendButton = document.getElementById("send");
  var publishAt = document.getElementById("publish_at");
  document.getElementById("map-tools").hidden = false;

  var map = L.map(container, { keyboard: false });
  var tilesUrl = container.dataset.tilesUrl;
  if (tilesUrl) {
    L.tileLayer(tilesUrl, {
      attribution: container.dataset.tilesAttribution,
      maxZoom: 19,
    }).addTo(map);
  }

  var features = JSON.parse(container.dataset.map);
  var footprints = L.geoJSON(
    {
      type: "FeatureCollection",
      features: features.features.filter(function (f) {
        return f.properties.kind === "residence";
      }),
    },
    // Not interactive: a click inside a footprint is a corner of the area being drawn, and
    // the residences are chosen by their checkboxes; their names stay written on the map.
    { style: { color: "#0b5c8a", weight: 2, fillOpacity: 0.15 }, interactive: false }
  ).addTo(map);
  footprints.eachLayer(function (layer) {
    layer.bindTooltip(layer.feature.properties.name, {
      permanent: true,
      direction: "bottom",
      className: "footprint-name",
    });
  });

  var buildingMarkers = [];
  features.features.forEach(function (feature) {
    if (feature.properties.kind !== "building") {
      return;
    }
    var box = document.getElementById("building-" + feature.properties.id);
    var coordinates = feature.geometry.coordinates;
    var marker = L.marker([coordinates[1], coordinates[0]], {
      title: feature.properties.name,
      alt: feature.properties.name,
    })
      .bindTooltip(feature.properties.name, { permanent: true, direction: "right", offset: [12, -20] })
      .addTo(map);
    buildingMarkers.push(marker);
    marker.on("click", function () {
      if (!box) {
        return;
      }
      box.checked = !box.checked;
      if (box.checked && buildingsRadio) {
        buildingsRadio.checked = true;
      }
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });

  // Framed on the residence being written for; the landlord's others are a zoom away.
  var bounds = L.latLngBounds([]);
  footprints.eachLayer(function (layer) {
    if (layer.feature.properties.current) {
      bounds.extend(layer.getBounds());
    }
  });
  buildingMarkers.forEach(function (marker) {
    bounds.extend(marker.getLatLng());
  });
  if (!bounds.isValid()) {
    bounds = footprints.getBounds();
  }
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [40, 40], maxZoom: 18 });
  } else {
    map.setView([46.6, 2.4], 6);
  }

  // Drawing: corners placed by clicks while "an area" is the target.
  var corners = [];
  var outline = L.polyline([], { color: "#a4161a", weight: 3 }).addTo(map);
  var area = L.polygon([], { color: "#a4161a", weight: 3, fillOpacity: 0.2 }).addTo(map);

  function say(key, number) {
    status.textContent = status.dataset[key].replace("{number}", number);
  }

  function showArea(ring) {
    area.setLatLngs(ring);
    outline.setLatLngs([]);
  }

  function clear() {
    corners = [];
    outline.setLatLngs([]);
    area.setLatLngs([]);
    areaField.value = "";
    say("empty");
  }

  map.on("click", function (event) {
    if (!areaRadio.checked) {
      return;
    }
    if (areaField.value) {
      clear();
    }
    corners.push(event.latlng);
    outline.setLatLngs(corners);
    say("drawing", corners.length);
  });

  document.getElementById("finish-area").addEventListener("click", function () {
    if (corners.length < 3) {
      say("tooFew");
      return;
    }
    var ring = corners.map(function (p) {
      return [p.lng, p.lat];
    });
    ring.push(ring[0]);
    areaField.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    areaRadio.checked = true;
    showArea(corners);
    corners = [];
    say("done");
  });

  document.getElementById("clear-area").addEventListener("click", clear);

  // An area kept from a preview is drawn again.
  if (areaField.value) {
    try {
      var kept = JSON.parse(areaField.value);
      showArea(
        kept.coordinates[0].slice(0, -1).map(function (p) {
          return [p[1], p[0]];
        })
      );
      say("done");
    } catch (error) {
      clear();
    }
  } else {
    say("empty");
  }

  // "Send" becomes "Schedule" when a time to publish is chosen.
  function nameTheButton() {
    sendButton.textContent = publishAt.value
      ? sendButton.dataset.schedule
      : sendButton.dataset.send;
  }
  publishAt.addEventListener("input", nameTheButton);
  form.addEventListener("reset", nameTheButton);
})();
