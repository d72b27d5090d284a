// The latent-space explorer of aelib.explorer: decodes 2-D codes in the browser, in plain
// JavaScript, from the decoder's weights embedded in the page. No server, no network.
(function () {
  "use strict";
  if (window.aelibExplorer) return; // several explorers on one page share this code

  function floats(base64) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return new Float32Array(bytes.buffer); // little-endian float32, as aelib writes them
  }

  // Each layer maps a flat Float32Array of shape `l.in` to one of shape `l.out` (no batch axis).
  const layers = {
    Linear(x, l) {
      const [n] = l.out, m = x.length, y = new Float32Array(n);
      for (let o = 0; o < n; o++) {
        let s = l.b ? l.b[o] : 0;
        for (let i = 0, k = o * m; i < m; i++, k++) s += l.W[k] * x[i];
        y[o] = s;
      }
      return y;
    },
    ReLU: (x) => x.map((v) => (v > 0 ? v : 0)),
    Sigmoid: (x) => x.map((v) => 1 / (1 + Math.exp(-v))),
    Flatten: (x) => x,
    Unflatten: (x) => x,
    Conv2d(x, l) {
      const [ci, h, w] = l.in, [co, ho, wo] = l.out, [kh, kw] = l.kernel;
      const [sh, sw] = l.stride, [ph, pw] = l.padding, y = new Float32Array(co * ho * wo);
      for (let o = 0; o < co; o++)
        for (let oy = 0; oy < ho; oy++)
          for (let ox = 0; ox < wo; ox++) {
            let s = l.b ? l.b[o] : 0;
            for (let c = 0; c < ci; c++)
              for (let ky = 0; ky < kh; ky++) {
                const iy = oy * sh - ph + ky;
                if (iy < 0 || iy >= h) continue;
                for (let kx = 0; kx < kw; kx++) {
                  const ix = ox * sw - pw + kx;
                  if (ix >= 0 && ix < w) s += l.W[((o * ci + c) * kh + ky) * kw + kx] * x[(c * h + iy) * w + ix];
                }
              }
            y[(o * ho + oy) * wo + ox] = s;
          }
      return y;
    },
    ConvTranspose2d(x, l) {
      // Each kernel tap (ky, kx) mixes the input channels, then adds the result into the output
      // at stride-spaced positions shifted by the tap.
      const [ci, h, w] = l.in, [co, ho, wo] = l.out, [kh, kw] = l.kernel;
      const [sh, sw] = l.stride, [ph, pw] = l.padding, y = new Float32Array(co * ho * wo);
      const hw = h * w, mixed = new Float64Array(hw);
      if (l.b) for (let o = 0; o < co; o++) y.fill(l.b[o], o * ho * wo, (o + 1) * ho * wo);
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++)
          for (let o = 0; o < co; o++) {
            mixed.fill(0);
            for (let c = 0; c < ci; c++) {
              const weight = l.W[((c * co + o) * kh + ky) * kw + kx];
              for (let i = 0, j = c * hw; i < hw; i++, j++) mixed[i] += weight * x[j];
            }
            for (let iy = 0; iy < h; iy++) {
              const oy = iy * sh - ph + ky;
              if (oy < 0 || oy >= ho) continue;
              for (let ix = 0; ix < w; ix++) {
                const ox = ix * sw - pw + kx;
                if (ox >= 0 && ox < wo) y[(o * ho + oy) * wo + ox] += mixed[iy * w + ix];
              }
            }
          }
      return y;
    },
  };

  function makeDecoder(spec) {
    const weights = floats(spec.weights);
    const take = (r) => r && weights.subarray(r[0], r[0] + r[1]);
    const steps = spec.layers.map((l) => Object.assign({}, l, { W: take(l.weight), b: take(l.bias) }));
    // z: [z1, z2] -> pixel values (channels x 28 x 28), exactly the model's decode(z).
    return (z) => steps.reduce((x, l) => layers[l.type](x, l), Float32Array.from(z));
  }

  function mount(root) {
    const data = JSON.parse(root.querySelector(".aelib-explorer-data").textContent);
    const decode = makeDecoder(data.decoder);
    const plane = root.querySelector(".aelib-explorer-plane");
    const image = root.querySelector(".aelib-explorer-image");
    const readout = root.querySelector(".aelib-explorer-readout");
    const timing = root.querySelector(".aelib-explorer-timing");
    const [x0, x1, y0, y1] = data.extent;
    const codes = floats(data.codes), labels = data.labels;
    const [channels, rows, cols] = data.decoder.image;
    const pixels = image.getContext("2d").createImageData(cols, rows);
    const dots = document.createElement("canvas"); // the points, redrawn only on resize
    dots.width = dots.height = 0;
    const times = []; // the latest decode times, for the caption
    let decodes = 0, z = [(x0 + x1) / 2, (y0 + y1) / 2], pending = false, dragging = false;

    const toPlane = (a, b) => [((a - x0) / (x1 - x0)) * dots.width, ((y1 - b) / (y1 - y0)) * dots.height];
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

    function nearestLabel() {
      let best = Infinity, label = -1;
      for (let i = 0; i < labels.length; i++) {
        const d = ((codes[2 * i] - z[0]) / (x1 - x0)) ** 2 + ((codes[2 * i + 1] - z[1]) / (y1 - y0)) ** 2;
        if (d < best) [best, label] = [d, labels[i]];
      }
      return label;
    }

    function drawDots() {
      const ratio = window.devicePixelRatio || 1, side = Math.round(plane.clientWidth * ratio);
      if (!side) return false; // not laid out yet (a hidden tab, or not attached)
      plane.width = plane.height = dots.width = dots.height = side;
      const ctx = dots.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, side, side);
      ctx.strokeStyle = "#ccc";
      ctx.lineWidth = ratio;
      const [ox, oy] = toPlane(0, 0);
      ctx.beginPath();
      ctx.moveTo(ox, 0), ctx.lineTo(ox, side), ctx.moveTo(0, oy), ctx.lineTo(side, oy);
      ctx.stroke();
      ctx.globalAlpha = 0.6;
      for (let i = 0; i < labels.length; i++) {
        const [px, py] = toPlane(codes[2 * i], codes[2 * i + 1]);
        ctx.fillStyle = data.colours[labels[i] % data.colours.length];
        ctx.beginPath();
        ctx.arc(px, py, 2 * ratio, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      ctx.fillStyle = "#555";
      ctx.font = `${12 * ratio}px sans-serif`;
      ctx.fillText("z\u2081 \u2192", side - 34 * ratio, side - 6 * ratio);
      ctx.fillText("z\u2082 \u2191", 4 * ratio, 14 * ratio);
      return true;
    }

    function render() {
      pending = false;
      const start = performance.now();
      const out = decode(z);
      if (decodes++) times.push(performance.now() - start); // the first one includes compiling
      if (times.length > 100) times.shift();
      const grey = channels === 1, n = rows * cols;
      for (let i = 0; i < n; i++)
        for (let c = 0; c < 3; c++)
          pixels.data[4 * i + c] = Math.round(clamp(out[grey ? i : c * n + i], 0, 1) * 255);
      for (let i = 0; i < n; i++) pixels.data[4 * i + 3] = 255;
      image.getContext("2d").putImageData(pixels, 0, 0);
      if (dots.width) {
        const ctx = plane.getContext("2d"), [px, py] = toPlane(z[0], z[1]), r = window.devicePixelRatio || 1;
        ctx.drawImage(dots, 0, 0);
        ctx.beginPath();
        ctx.arc(px, py, 6 * r, 0, 2 * Math.PI);
        ctx.lineWidth = 4 * r, ctx.strokeStyle = "#fff", ctx.stroke();
        ctx.lineWidth = 2 * r, ctx.strokeStyle = "#000", ctx.stroke();
      }
      const label = nearestLabel();
      readout.textContent = `z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)}); nearest test code: ${label < 0 ? "none" : data.classes[label]}`;
      const sorted = times.slice().sort((a, b) => a - b), median = sorted[sorted.length >> 1];
      timing.textContent = `Decoded in this page from ${data.decoder_kb} KB of weights` +
        (times.length ? `, in ${median.toFixed(1)} ms (median of the last ${times.length}).` : ".");
      Object.assign(root.dataset, { z1: z[0], z2: z[1], decodes });
    }

    function setCode(a, b) {
      z = [clamp(a, x0, x1), clamp(b, y0, y1)];
      if (!pending) {
        pending = true;
        requestAnimationFrame(render);
      }
    }

    function fromPointer(event) {
      const rect = plane.getBoundingClientRect();
      const fx = (event.clientX - rect.left - plane.clientLeft) / plane.clientWidth;
      const fy = (event.clientY - rect.top - plane.clientTop) / plane.clientHeight;
      setCode(x0 + fx * (x1 - x0), y1 - fy * (y1 - y0));
    }

    plane.addEventListener("pointerdown", (e) => {
      dragging = true;
      plane.setPointerCapture(e.pointerId);
      fromPointer(e);
    });
    plane.addEventListener("pointermove", (e) => (dragging || e.pointerType === "mouse") && fromPointer(e));
    plane.addEventListener("pointerup", () => (dragging = false));
    plane.addEventListener("pointercancel", () => (dragging = false));
    plane.addEventListener("keydown", (e) => {
      const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
      if (!move) return;
      e.preventDefault(); // keep the page from scrolling
      const step = (e.shiftKey ? 5 : 1) * data.step;
      setCode(z[0] + move[0] * step * (x1 - x0), z[1] + move[1] * step * (y1 - y0));
    });
    new ResizeObserver(() => drawDots() && setCode(z[0], z[1])).observe(plane);

    root.querySelector(".aelib-explorer-fallback").remove();
    root.querySelector(".aelib-explorer-panel").hidden = false;
    root.aelibDecode = decode; // for scripts and tests: decode([z1, z2]) -> Float32Array
    setCode(z[0], z[1]);
  }

  window.aelibExplorer = { mount, makeDecoder };
})();
