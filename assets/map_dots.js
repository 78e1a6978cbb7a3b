// Where each project dot is drawn on the map's screen (called by fit_map.js after every zoom and
// every new set of points; the projects' true positions are never changed, only where they are drawn).
//
// Rules, in this order:
// 1. A dot stays inside its own territory: the territory of the map's current layer (region, MRC or
//    Alliance, the GeoJSON Plotly already loaded for the choropleth) that holds the project's true
//    position. Its whole disc stays inside (its radius is at most its centre's distance to the
//    border), so two dots of two territories never overlap, and a dot pushed apart never lands in
//    the river or south of the border.
// 2. Dots of one territory are pushed apart until no two overlap.
// 3. A territory too small on screen to hold its dots apart while leaving most of it free to click
//    (FREE_SHARE) gets one grouped dot instead, inside it, whose hover lists the projects and says
//    the place is approximate; zooming in separates them again.
// Why on the client and not precomputed on the server: the room a dot needs is in screen pixels, and
// the room a territory offers depends on the zoom and the screen, which only the browser knows.
(function () {
  var FREE_SHARE = 0.35; // at most this share of a territory's area on screen is covered by its dots
  var GAP_PX = 2; // between the edges of two dots of one territory
  var MIN_RADIUS = 1.5; // px: a dot squeezed into a territory a few pixels wide (zoomed far out)
  var BORDER_SLACK = 0.5; // px: how far the simplified outline on screen may stray from the true one
  var MAX_GROUP_RADIUS = 15; // px: as the largest single dot (30 px across)
  var GROUP_COLOUR = "#4a4a4a"; // the server's grouped points' colour (components/map/figures.py CLUSTER_COLOUR)
  var GROUP_LISTED = 12; // titles listed in a grouped dot's hover; the others are counted

  // ---------------------------------------------------------------- territories, zoom-free
  // Web Mercator coordinates in [0, 1] (MapLibre's own), so a territory is read once per layer and
  // brought to the screen at any zoom by one multiplication and one addition.
  function mercator(lon, lat) {
    var phi = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
    return [(lon + 180) / 360, 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)];
  }

  var prepared = new WeakMap(); // GeoJSON object → its territories in Mercator units

  function territories(geojson) {
    if (prepared.has(geojson)) {
      return prepared.get(geojson);
    }
    var out = (geojson.features || []).map(function (feature) {
      var geometry = feature.geometry || {};
      var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
        : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
      var box = [Infinity, Infinity, -Infinity, -Infinity];
      var rings = [];
      polygons.forEach(function (polygon) {
        polygon.forEach(function (ring) {
          var flat = new Float64Array(ring.length * 2);
          ring.forEach(function (point, k) {
            var m = mercator(point[0], point[1]);
            flat[2 * k] = m[0];
            flat[2 * k + 1] = m[1];
            box[0] = Math.min(box[0], m[0]); box[1] = Math.min(box[1], m[1]);
            box[2] = Math.max(box[2], m[0]); box[3] = Math.max(box[3], m[1]);
          });
          rings.push(flat);
        });
      });
      return { id: feature.id, rings: rings, box: box };
    });
    prepared.set(geojson, out);
    return out;
  }

  // Even–odd rule over every ring (outer rings and holes alike): a point in a lake is outside.
  function inside(rings, x, y) {
    var within = false;
    for (var r = 0; r < rings.length; r++) {
      var ring = rings[r];
      for (var i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
        var yi = ring[i + 1], yj = ring[j + 1];
        if ((yi > y) !== (yj > y) && x < ((ring[j] - ring[i]) * (y - yi)) / (yj - yi) + ring[i]) {
          within = !within;
        }
      }
    }
    return within;
  }

  function territoryOf(list, x, y) {
    for (var t = 0; t < list.length; t++) {
      var box = list[t].box;
      if (x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3] && inside(list[t].rings, x, y)) {
        return t;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- on the screen
  // Mercator → screen pixels. The map is never rotated nor tilted, so this is x·scale + offset; if it
  // ever were, each point goes through map.project (slower, still right).
  function screenTransform(map) {
    var centre = map.getCenter();
    var m = mercator(centre.lng, centre.lat);
    var p = map.project(centre);
    var scale = 512 * Math.pow(2, map.getZoom());
    var offset = [p.x - scale * m[0], p.y - scale * m[1]];
    var probe = { lng: centre.lng + 1, lat: centre.lat + 0.5 };
    var mp = mercator(probe.lng, probe.lat), pp = map.project(probe);
    if (Math.abs(scale * mp[0] + offset[0] - pp.x) < 0.5 && Math.abs(scale * mp[1] + offset[1] - pp.y) < 0.5) {
      return function (x, y) { return [scale * x + offset[0], scale * y + offset[1]]; };
    }
    return function (x, y) {
      var lon = x * 360 - 180;
      var lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
      var q = map.project([lon, lat]);
      return [q.x, q.y];
    };
  }

  // A territory's rings on the screen, without the vertices closer than BORDER_SLACK to the last one
  // kept: a region's thousands of vertices are a few hundred at the zoom it is seen whole, and every
  // step of the placing measures distances to them. Dots keep BORDER_SLACK more from the border.
  function toScreen(territory, transform) {
    var rings = [];
    territory.rings.forEach(function (ring) {
      var kept = [];
      var lastX = Infinity, lastY = Infinity;
      for (var i = 0; i < ring.length; i += 2) {
        var q = transform(ring[i], ring[i + 1]);
        if (Math.abs(q[0] - lastX) + Math.abs(q[1] - lastY) >= BORDER_SLACK || i === ring.length - 2) {
          kept.push(q[0], q[1]);
          lastX = q[0]; lastY = q[1];
        }
      }
      if (kept.length >= 8) { // a ring narrower than a pixel holds no dot
        rings.push(Float64Array.from(kept));
      }
    });
    return rings;
  }

  function area(rings) {
    // Outer rings minus holes: the absolute shoelace area of each ring, the holes' taken away.
    var areas = rings.map(function (ring) {
      var sum = 0;
      for (var i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
        sum += ring[j] * ring[i + 1] - ring[i] * ring[j + 1];
      }
      return Math.abs(sum) / 2;
    });
    var total = 0;
    rings.forEach(function (ring, k) {
      var x = ring[0], y = ring[1];
      var others = rings.filter(function (_, m) { return m !== k; });
      total += inside(others, x, y) ? -areas[k] : areas[k]; // a ring inside another is a hole
    });
    return Math.max(total, 0);
  }

  // The point of the border nearest (x, y), and how far it is. Squared distances (Math.hypot is slow),
  // and a ring whose box is farther than the best so far is not looked at (islands, lakes).
  function nearestBorder(rings, x, y) {
    var best = Infinity, bx = x, by = y, nx = 0, ny = 0;
    var boxes = ringBoxes(rings);
    for (var r = 0; r < rings.length; r++) {
      var box = boxes[r];
      var ox = Math.max(box[0] - x, 0, x - box[2]), oy = Math.max(box[1] - y, 0, y - box[3]);
      if (ox * ox + oy * oy > best) {
        continue;
      }
      var ring = rings[r];
      for (var i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
        var ax = ring[j], ay = ring[j + 1], dx = ring[i] - ax, dy = ring[i + 1] - ay;
        var length = dx * dx + dy * dy;
        var s = length > 0 ? ((x - ax) * dx + (y - ay) * dy) / length : 0;
        s = s < 0 ? 0 : s > 1 ? 1 : s;
        var px = ax + s * dx, py = ay + s * dy;
        var d = (x - px) * (x - px) + (y - py) * (y - py);
        if (d < best) {
          best = d; bx = px; by = py; nx = -dy; ny = dx;
        }
      }
    }
    return { d: Math.sqrt(best), x: bx, y: by, nx: nx, ny: ny };
  }

  function ringBoxes(rings) {
    if (!rings.boxes) {
      rings.boxes = rings.map(function (ring) {
        var box = [Infinity, Infinity, -Infinity, -Infinity];
        for (var i = 0; i < ring.length; i += 2) {
          box[0] = Math.min(box[0], ring[i]); box[1] = Math.min(box[1], ring[i + 1]);
          box[2] = Math.max(box[2], ring[i]); box[3] = Math.max(box[3], ring[i + 1]);
        }
        return box;
      });
    }
    return rings.boxes;
  }

  // How far inside the territory (x, y) is: its distance to the border, negative outside.
  function clearance(rings, x, y) {
    var d = nearestBorder(rings, x, y).d;
    return inside(rings, x, y) ? d : -d;
  }

  // The point of the territory farthest from its border (where the largest dot fits), on a grid
  // refined twice around the best cell.
  function roomiest(rings) {
    var box = ringBoxes(rings).reduce(function (all, b) {
      return [Math.min(all[0], b[0]), Math.min(all[1], b[1]), Math.max(all[2], b[2]), Math.max(all[3], b[3])];
    }, [Infinity, Infinity, -Infinity, -Infinity]);
    var best = { x: (box[0] + box[2]) / 2, y: (box[1] + box[3]) / 2, room: -Infinity };
    var cx = best.x, cy = best.y, half = Math.max(box[2] - box[0], box[3] - box[1]) / 2;
    for (var round = 0; round < 3; round++) {
      var n = 12;
      for (var i = 0; i <= n; i++) {
        for (var j = 0; j <= n; j++) {
          var x = cx - half + (2 * half * i) / n, y = cy - half + (2 * half * j) / n;
          var room = inside(rings, x, y) ? nearestBorder(rings, x, y).d : -Infinity;
          if (room > best.room) {
            best = { x: x, y: y, room: room };
          }
        }
      }
      cx = best.x; cy = best.y; half = (2 * half) / n;
    }
    return best;
  }

  // Moves p to the nearest spot at least `inset` inside the territory (a few tries along the
  // border's inward direction); false when there is none near (the territory is too narrow there).
  function keepInside(rings, p, inset) {
    for (var attempt = 0; attempt < 4; attempt++) {
      var border = nearestBorder(rings, p.x, p.y);
      var within = inside(rings, p.x, p.y);
      if (within && border.d >= inset - 0.01) {
        return true;
      }
      var ux, uy;
      if (border.d > 1e-6) { // from the border towards the inside
        ux = (p.x - border.x) / border.d * (within ? 1 : -1);
        uy = (p.y - border.y) / border.d * (within ? 1 : -1);
      } else { // on the border: the side of its normal that is inside
        var length = Math.hypot(border.nx, border.ny) || 1;
        ux = border.nx / length; uy = border.ny / length;
        if (!inside(rings, border.x + ux, border.y + uy)) {
          ux = -ux; uy = -uy;
        }
      }
      p.x = border.x + ux * (inset + 0.05);
      p.y = border.y + uy * (inset + 0.05);
    }
    return inside(rings, p.x, p.y) && nearestBorder(rings, p.x, p.y).d >= inset - 0.01;
  }

  // ---------------------------------------------------------------- placing
  // Dots closer than their radii allow are pushed apart a few steps at a time, each pulled back
  // inside its territory (by its `inset`) after every step. A dot whose whole disc fits in its
  // territory never meets another territory's; only in a territory narrower than the smallest dot
  // (far zoomed out) is a disc wider than its room, and then dots of two territories push each other.
  function relax(dots, rings) {
    var golden = Math.PI * (3 - Math.sqrt(5));
    var cell = 2 * MAX_GROUP_RADIUS + GAP_PX + 2;
    for (var step = 0; step < 60; step++) {
      var moved = false;
      var grid = {};
      dots.forEach(function (d, i) {
        var key = Math.floor(d.x / cell) + ":" + Math.floor(d.y / cell);
        (grid[key] = grid[key] || []).push(i);
      });
      dots.forEach(function (a, i) {
        var cx = Math.floor(a.x / cell), cy = Math.floor(a.y / cell);
        for (var gx = cx - 1; gx <= cx + 1; gx++) {
          for (var gy = cy - 1; gy <= cy + 1; gy++) {
            (grid[gx + ":" + gy] || []).forEach(function (j) {
              var b = dots[j];
              if (j <= i) {
                return;
              }
              var dx = b.x - a.x, dy = b.y - a.y, distance = Math.hypot(dx, dy);
              var wanted = a.r + b.r + (b.territory === a.territory ? GAP_PX : 0);
              if (distance >= wanted) {
                return;
              }
              if (distance < 0.01) { // the same place: part them along a direction of their own
                dx = Math.cos(j * golden); dy = Math.sin(j * golden); distance = 1;
              }
              var push = (wanted - distance) / 2 + 0.1;
              a.x -= (dx / distance) * push; a.y -= (dy / distance) * push;
              b.x += (dx / distance) * push; b.y += (dy / distance) * push;
              a.moved = b.moved = moved = true;
            });
          }
        }
      });
      dots.forEach(function (d) {
        if (d.moved && d.territory >= 0) {
          d.stuck = !keepInside(rings(d.territory), d, d.inset);
        }
        d.moved = false;
      });
      if (!moved) {
        return;
      }
    }
  }

  // Territories where two of their dots overlap, or one could not stay inside.
  function crowded(dots) {
    var out = {};
    dots.forEach(function (d) {
      if (d.stuck && d.territory >= 0 && !d.group) {
        out[d.territory] = true;
      }
    });
    for (var i = 0; i < dots.length; i++) {
      for (var j = i + 1; j < dots.length; j++) {
        var a = dots[i], b = dots[j];
        if (a.territory === b.territory && a.territory >= 0 && Math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r) {
          out[a.territory] = true;
        }
      }
    }
    return out;
  }

  // Last resort, far zoomed out: two dots of neighbouring territories a few pixels wide that still
  // overlap are both drawn smaller, so each is still seen.
  function shrinkOverlaps(dots) {
    for (var i = 0; i < dots.length; i++) {
      for (var j = i + 1; j < dots.length; j++) {
        var a = dots[i], b = dots[j], apart = Math.hypot(a.x - b.x, a.y - b.y);
        if (apart < a.r + b.r && a.r + b.r > 0) {
          var ratio = apart / (a.r + b.r);
          a.r *= ratio; b.r *= ratio;
        }
      }
    }
  }

  function firstLine(hover) { // a project's title, without its bold
    return String(hover || "").split("<br>")[0].replace(/<\/?b>/g, "");
  }

  function groupHover(members, words) {
    var lines = ["<b>" + (words.title || "{count}").replace("{count}", String(members.length)) + "</b>"];
    members.slice(0, GROUP_LISTED).forEach(function (d) { lines.push(firstLine(d.hover)); });
    if (members.length > GROUP_LISTED) {
      lines.push("… (+" + (members.length - GROUP_LISTED) + ")");
    }
    if (words.hint) {
      lines.push(words.hint);
    }
    return lines.join("<br>");
  }

  function groupDot(members, shape, words) {
    // Where most of its projects are, if a dot fits there; else the territory's roomiest point.
    var x = 0, y = 0;
    members.forEach(function (d) { x += d.tx; y += d.ty; });
    x /= members.length; y /= members.length;
    // Sized by its number of projects (as the server's grouped points), never over FREE_SHARE of the
    // territory: summing its dots' areas drew dark discs that hid whole regions.
    var wanted = Math.min(MAX_GROUP_RADIUS, 5 + 2 * Math.sqrt(members.length),
                          Math.sqrt((FREE_SHARE * shape.area) / Math.PI));
    var room = clearance(shape.rings, x, y);
    if (room < wanted) {
      var best = shape.roomiest();
      if (best.room > room) {
        x = best.x; y = best.y; room = best.room;
      }
    }
    var r = Math.max(MIN_RADIUS, Math.min(wanted, room - BORDER_SLACK));
    return { x: x, y: y, r: r, inset: Math.min(r + BORDER_SLACK, 0.9 * Math.max(0, room)),
             territory: members[0].territory, group: true, colour: GROUP_COLOUR,
             hover: groupHover(members, words), members: members, order: members[0].order };
  }

  // The room (px from the border) the territory's dots may count on: where some of them truly are,
  // when their largest fits there (most territories, cheaply); else the territory's roomiest point.
  function roomFor(members, shape) {
    var largest = 0, room = 0;
    members.forEach(function (d, k) {
      largest = Math.max(largest, d.wantedR);
      if (k < 6) {
        room = Math.max(room, clearance(shape.rings, d.tx, d.ty));
      }
    });
    return room >= largest + BORDER_SLACK ? room : Math.max(room, shape.roomiest().room, 0);
  }

  // `base`: the points as the server sent them ({lon, lat, size, hovertext, color, customdata});
  // `geojson`: the map's current layer (null while it loads); `scale`: how much smaller dots are drawn on a narrow map;
  // `words`: {title, hint} of a grouped dot. Returns the arrays to draw (trace 2).
  function place(map, base, geojson, scale, words) {
    var list = geojson ? territories(geojson) : []; // no layer yet: dots only pushed apart
    var transform = screenTransform(map);
    var shapes = {};
    function shape(t) {
      if (!shapes[t]) {
        var rings = toScreen(list[t], transform);
        var found;
        shapes[t] = { rings: rings, area: area(rings),
                      roomiest: function () { return found || (found = roomiest(rings)); } };
      }
      return shapes[t];
    }
    function rings(t) { return shape(t).rings; }
    if (!base.territory || base.territoryLayer !== geojson) { // once per set of points and layer
      base.territory = base.lon.map(function (lon, i) {
        var m = mercator(lon, base.lat[i]);
        return territoryOf(list, m[0], m[1]);
      });
      base.territoryLayer = geojson;
    }
    var colours = Array.isArray(base.color) ? base.color : [];
    var dots = base.lon.map(function (lon, i) {
      var p = transform.apply(null, mercator(lon, base.lat[i]));
      var wantedR = ((base.size[i] || 10) * scale) / 2;
      return { order: i, x: p[0], y: p[1], tx: p[0], ty: p[1], wantedR: wantedR, r: wantedR, inset: wantedR,
               territory: base.territory[i], colour: colours[i] !== undefined ? colours[i] : base.color,
               hover: base.hovertext[i], ids: base.customdata[i] };
    });
    // A territory whose dots, apart, would cover more than FREE_SHARE of it is grouped at once.
    var byTerritory = {};
    dots.forEach(function (d) {
      if (d.territory >= 0) {
        (byTerritory[d.territory] = byTerritory[d.territory] || []).push(d);
      }
    });
    var grouped = {};
    Object.keys(byTerritory).forEach(function (t) {
      var members = byTerritory[t], s = shape(t), room = roomFor(members, s);
      var needed = 0;
      members.forEach(function (d) {
        d.r = Math.max(MIN_RADIUS, Math.min(d.wantedR, room - BORDER_SLACK));
        d.inset = Math.min(d.r + BORDER_SLACK, 0.9 * room);
        needed += Math.pow(2 * d.r + GAP_PX, 2) * 0.87; // a disc's share of a hexagonal packing
      });
      if (members.length > 1 && needed > FREE_SHARE * s.area) {
        grouped[t] = true;
      }
    });
    // Placed, then placed again with the territories found crowded grouped too (twice at most).
    var drawn;
    for (var round = 0; round < 3; round++) {
      drawn = dots.filter(function (d) { return !grouped[d.territory]; }).map(function (d) {
        return { order: d.order, x: d.tx, y: d.ty, r: d.r, inset: d.inset, territory: d.territory,
                 colour: d.colour, hover: d.hover, ids: d.ids };
      });
      Object.keys(grouped).forEach(function (t) { drawn.push(groupDot(byTerritory[t], shape(t), words)); });
      drawn.forEach(function (d) {
        if (d.territory >= 0) {
          d.stuck = !keepInside(rings(d.territory), d, d.inset);
        }
      });
      relax(drawn, rings);
      var more = crowded(drawn);
      var again = Object.keys(more).filter(function (t) { return !grouped[t]; });
      if (!again.length) {
        break;
      }
      again.forEach(function (t) { grouped[t] = true; });
    }
    shrinkOverlaps(drawn);
    // One entry per project still, in the server's order (largest drawn first): a group is drawn by
    // its first project's entry; the others sit under it, drawn 0 px wide, with the group's hover. So
    // the trace keeps its length and its ids (what counts the points, what reads a point's id).
    var entries = [];
    drawn.forEach(function (d) {
      if (!d.group) {
        entries.push(d);
        return;
      }
      d.members.forEach(function (member, k) {
        entries.push({ x: d.x, y: d.y, r: k === 0 ? d.r : 0, colour: d.colour, hover: d.hover, ids: member.ids,
                       order: member.order });
      });
    });
    entries.sort(function (a, b) { return a.order - b.order; });
    var out = { lon: [], lat: [], size: [], color: [], hovertext: [], customdata: [] };
    entries.forEach(function (d) {
      var point = map.unproject([d.x, d.y]);
      out.lon.push(Math.round(point.lng * 1e5) / 1e5);
      out.lat.push(Math.round(point.lat * 1e5) / 1e5);
      out.size.push(Math.floor(d.r * 2 * 10) / 10); // rounded down: the disc stays within its room
      out.color.push(d.colour);
      out.hovertext.push(d.hover);
      out.customdata.push(d.ids);
    });
    return out;
  }

  window.carteDots = { place: place };
})();
