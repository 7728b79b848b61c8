/*
 * Map field: adds a Leaflet map with Leaflet-Geoman's drawing tools (point, line, area) to each
 * <div data-map-field> (procedures/fields/map.html). The coordinates box and the kind select stay
 * the form's controls and stay visible (keyboard users type in them): drawing writes one
 * "latitude, longitude" line per point into the box and sets the kind; typing in the box redraws.
 *
 * Leaflet and Geoman are loaded once, from the URLs of the data-leaflet-* and data-geoman-*
 * attributes (static/vendor, built by `make assets`), only when a map field is on the page.
 * data-map-config (JSON, procedures.fields.location._map_config) gives the kinds, the box to show
 * first, the tile URL (settings.MAP_TILE_URL; none: no background, drawing still works) and the
 * translated texts. Loaded by base.html on every page (a no-op without data-map-field).
 * Idempotent: fields that arrive with an htmx swap are enhanced on `htmx:load`, each one once,
 * even if the script runs twice.
 */
(function () {
  "use strict";

  if (window.motcuaMapField) {
    window.motcuaMapField.enhanceAll();
    return;
  }

  var POINT_ZOOM = 16;
  var REDRAW_DELAY_MS = 500;
  var loading = null;

  function addStylesheet(href) {
    if (href && !document.querySelector('link[rel="stylesheet"][href="' + href + '"]')) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.appendChild(link);
    }
  }

  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.async = false; // run in insertion order: Leaflet before Geoman
      script.addEventListener("load", resolve);
      script.addEventListener("error", reject);
      document.head.appendChild(script);
    });
  }

  /** Leaflet and Geoman, loaded once for the page. */
  function loadLibraries(root) {
    addStylesheet(root.getAttribute("data-leaflet-css"));
    addStylesheet(root.getAttribute("data-geoman-css"));
    if (window.L && window.L.PM) {
      return Promise.resolve();
    }
    if (!loading) {
      loading = Promise.all([
        addScript(root.getAttribute("data-leaflet-js")),
        addScript(root.getAttribute("data-geoman-js")),
      ]);
    }
    return loading;
  }

  function formatPoint(latlng) {
    return latlng.lat.toFixed(6) + ", " + latlng.lng.toFixed(6);
  }

  /** The "lat, lng" lines of the box as [lat, lng] pairs, or null when a line is not one. */
  function parsePoints(text) {
    var points = [];
    var lines = String(text).split(/\r?\n/);
    for (var i = 0; i < lines.length; i += 1) {
      var line = lines[i].trim();
      if (!line) {
        continue;
      }
      var parts = line.split(/[,;\s]+/).filter(Boolean);
      if (parts.length !== 2) {
        return null;
      }
      var lat = Number(parts[0]);
      var lng = Number(parts[1]);
      if (!isFinite(lat) || !isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
        return null;
      }
      points.push([lat, lng]);
    }
    return points;
  }

  function MapField(root) {
    this.root = root;
    this.config = JSON.parse(root.getAttribute("data-map-config") || "{}");
    this.textarea = root.querySelector("textarea");
    this.kindSelect = root.querySelector("select");
    this.writing = false;
    this.redrawTimer = null;
    this.build();
  }

  MapField.prototype.allows = function (kind) {
    return (this.config.kinds || []).indexOf(kind) !== -1;
  };

  MapField.prototype.build = function () {
    var L = window.L;
    var config = this.config;
    var text = config.text || {};
    var id = this.textarea.id || "map-" + Math.random().toString(36).slice(2);

    var hint = document.createElement("p");
    hint.className = "field__hint";
    hint.id = id + "-map-hint";
    hint.textContent = text.hint || "";
    var container = document.createElement("div");
    container.className = "map-entry__map";
    container.id = id + "-map";
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", this.root.getAttribute("data-map-label") || "");
    container.setAttribute("aria-describedby", hint.id);
    this.root.insertBefore(container, this.root.firstChild);
    this.root.insertBefore(hint, container);

    var map = L.map(container, { zoomControl: false });
    L.control.zoom({ zoomInTitle: text.zoomIn || "+", zoomOutTitle: text.zoomOut || "-" }).addTo(map);
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
    }
    var bbox = config.bbox || [102, 6, 118, 23.5];
    this.bounds = L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
    map.fitBounds(this.bounds);

    var drawn = L.featureGroup().addTo(map);
    this.map = map;
    this.drawn = drawn;
    this.markerOptions = { alt: text.marker || "", title: text.marker || "" };

    var multiPoint = this.allows("MultiPoint");
    map.pm.setLang("motcua", config.geoman || {}, "en");
    map.pm.setGlobalOptions({ layerGroup: drawn, markerStyle: this.markerOptions, continueDrawing: false });
    map.pm.addControls({
      position: "topleft",
      drawMarker: this.allows("Point") || multiPoint,
      drawPolyline: this.allows("LineString"),
      drawPolygon: this.allows("Polygon"),
      drawCircleMarker: false,
      drawRectangle: false,
      drawCircle: false,
      drawText: false,
      cutPolygon: false,
      rotateMode: false,
      editMode: true,
      dragMode: true,
      removalMode: true,
    });
    this.nameToolbarButtons();

    map.on("pm:create", this.onCreate, this);
    map.on("pm:remove", function (event) {
      drawn.removeLayer(event.layer);
      this.write();
    }, this);
    this.textarea.addEventListener("input", this.onTyped.bind(this));
    this.kindSelect.addEventListener("change", this.read.bind(this));
    this.read();
  };

  /** Geoman's buttons are <a role="button"> whose title sits on their parent: name them. */
  MapField.prototype.nameToolbarButtons = function () {
    var containers = this.map.getContainer().querySelectorAll(".leaflet-pm-toolbar .button-container");
    Array.prototype.forEach.call(containers, function (container) {
      var button = container.querySelector(".leaflet-buttons-control-button");
      if (button && container.title) {
        button.setAttribute("aria-label", container.title);
      }
    });
  };

  MapField.prototype.watch = function (layer) {
    layer.on("pm:edit pm:dragend", this.write, this);
  };

  MapField.prototype.onCreate = function (event) {
    var layer = event.layer;
    var drawn = this.drawn;
    var addsPoint = layer instanceof window.L.Marker && this.allows("MultiPoint") && this.onlyMarkers();
    if (!addsPoint) {
      // One geometry per field: a new drawing replaces the previous one.
      drawn.eachLayer(function (other) {
        if (other !== layer) {
          drawn.removeLayer(other);
        }
      });
    }
    if (!drawn.hasLayer(layer)) {
      drawn.addLayer(layer);
    }
    this.watch(layer);
    this.write();
  };

  MapField.prototype.onlyMarkers = function () {
    var only = true;
    this.drawn.eachLayer(function (layer) {
      if (!(layer instanceof window.L.Marker)) {
        only = false;
      }
    });
    return only;
  };

  /** The drawing, written into the box (and the kind chosen to match). */
  MapField.prototype.write = function () {
    var L = window.L;
    var markers = [];
    var line = null;
    var polygon = null;
    this.drawn.eachLayer(function (layer) {
      if (layer instanceof L.Marker) {
        markers.push(layer.getLatLng());
      } else if (layer instanceof L.Polygon) {
        polygon = layer;
      } else if (layer instanceof L.Polyline) {
        line = layer;
      }
    });
    var kind = "";
    var points = [];
    if (polygon) {
      var rings = polygon.getLatLngs();
      kind = "Polygon";
      points = Array.isArray(rings[0]) ? rings[0] : rings;
    } else if (line) {
      kind = "LineString";
      points = line.getLatLngs();
    } else if (markers.length) {
      kind = markers.length > 1 ? "MultiPoint" : "Point";
      points = markers;
    }
    if (kind === "Point" && !this.allows("Point") && this.allows("MultiPoint")) {
      kind = "MultiPoint";
    }
    this.writing = true;
    this.textarea.value = points.map(formatPoint).join("\n");
    if (kind && this.kindSelect.querySelector('option[value="' + kind + '"]')) {
      this.kindSelect.value = kind;
    }
    this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
    this.writing = false;
  };

  MapField.prototype.onTyped = function () {
    if (this.writing) {
      return;
    }
    window.clearTimeout(this.redrawTimer);
    this.redrawTimer = window.setTimeout(this.read.bind(this), REDRAW_DELAY_MS);
  };

  /** The box's coordinates, drawn on the map (left as it is while a line is not valid). */
  MapField.prototype.read = function () {
    var L = window.L;
    var points = parsePoints(this.textarea.value);
    if (points === null) {
      return;
    }
    var drawn = this.drawn;
    var kind = this.kindSelect.value;
    var options = this.markerOptions;
    var layers = [];
    drawn.clearLayers();
    if ((kind === "Point" || kind === "MultiPoint") && points.length) {
      (kind === "Point" ? points.slice(0, 1) : points).forEach(function (point) {
        layers.push(L.marker(point, options));
      });
    } else if (kind === "LineString" && points.length >= 2) {
      layers.push(L.polyline(points));
    } else if (kind === "Polygon" && points.length >= 3) {
      var last = points[points.length - 1];
      if (points.length > 3 && last[0] === points[0][0] && last[1] === points[0][1]) {
        points = points.slice(0, -1);
      }
      layers.push(L.polygon(points));
    }
    layers.forEach(function (layer) {
      drawn.addLayer(layer);
      this.watch(layer);
    }, this);
    if (layers.length === 1 && layers[0] instanceof L.Marker) {
      this.map.setView(layers[0].getLatLng(), POINT_ZOOM);
    } else if (layers.length) {
      this.map.fitBounds(drawn.getBounds(), { maxZoom: POINT_ZOOM, padding: [16, 16] });
    }
  };

  function enhanceAll() {
    var roots = document.querySelectorAll("[data-map-field]:not([data-map-enhanced])");
    Array.prototype.forEach.call(roots, function (root) {
      var textarea = root.querySelector("textarea");
      // Nothing to draw into when the box is missing or disabled (a read-only preview).
      if (!textarea || !root.querySelector("select") || textarea.matches(":disabled")) {
        return;
      }
      root.setAttribute("data-map-enhanced", "");
      loadLibraries(root).then(function () {
        if (root.isConnected) {
          root.motcuaMapField = new MapField(root);
        }
      }, function () {
        // Leaflet could not be loaded: the coordinates box still does the job.
        root.removeAttribute("data-map-enhanced");
      });
    });
  }

  window.motcuaMapField = { enhanceAll: enhanceAll, parsePoints: parsePoints };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
  document.addEventListener("htmx:load", enhanceAll);
})();
