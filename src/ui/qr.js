// A small QR code encoder for the inspector's otpauth:// codes: byte mode,
// error correction level L, versions 1-10 (up to 271 bytes), mask 0.
// Written for mfaemu (MIT, like the project) after ISO/IEC 18004; any
// mask is a valid code, so no mask scoring. Exposes globalThis.mfaemuQr.
'use strict';
(() => {
  // Per version (1-10): EC codewords per block, data codewords per block.
  const BLOCKS = [null, [7, [19]], [10, [34]], [15, [55]], [20, [80]],
    [26, [108]], [18, [68, 68]], [20, [78, 78]], [24, [97, 97]],
    [30, [116, 116]], [18, [68, 68, 69, 69]]];
  const ALIGN = [null, [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],
    [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]];

  function gfMul(x, y) {
    let z = 0;
    for (let i = 7; i >= 0; i--) {
      z = (z << 1) ^ ((z >>> 7) * 0x11d);
      z ^= ((y >>> i) & 1) * x;
    }
    return z;
  }

  function rsDivisor(degree) {
    const r = new Array(degree).fill(0);
    r[degree - 1] = 1;
    let root = 1;
    for (let i = 0; i < degree; i++) {
      for (let j = 0; j < r.length; j++) {
        r[j] = gfMul(r[j], root);
        if (j + 1 < r.length) r[j] ^= r[j + 1];
      }
      root = gfMul(root, 2);
    }
    return r;
  }

  function rsRemainder(data, divisor) {
    const r = new Array(divisor.length).fill(0);
    for (const b of data) {
      const f = b ^ r.shift();
      r.push(0);
      divisor.forEach((c, i) => { r[i] ^= gfMul(c, f); });
    }
    return r;
  }

  // The data codewords, padded, for the smallest version that holds them.
  function codewords(bytes) {
    for (let v = 1; v <= 10; v++) {
      const cap = BLOCKS[v][1].reduce((a, b) => a + b, 0);
      const ccBits = v < 10 ? 8 : 16;
      if (4 + ccBits + bytes.length * 8 > cap * 8) continue;
      const bits = [];
      const put = (val, n) => { for (let i = n - 1; i >= 0; i--) bits.push((val >>> i) & 1); };
      put(4, 4);
      put(bytes.length, ccBits);
      bytes.forEach((b) => put(b, 8));
      put(0, Math.min(4, cap * 8 - bits.length));
      while (bits.length % 8) bits.push(0);
      const out = [];
      for (let i = 0; i < bits.length; i += 8) {
        out.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
      }
      for (let pad = 0xec; out.length < cap; pad ^= 0xec ^ 0x11) out.push(pad);
      return { version: v, data: out };
    }
    throw new Error('text too long for a QR code of version 10');
  }

  // Split into blocks, add each block's EC codewords, interleave.
  function interleave(version, data) {
    const [ec, lens] = BLOCKS[version];
    const div = rsDivisor(ec);
    const blocks = [];
    let k = 0;
    for (const n of lens) {
      const d = data.slice(k, k + n);
      k += n;
      blocks.push({ d, e: rsRemainder(d, div) });
    }
    const out = [];
    const maxLen = Math.max(...lens);
    for (let i = 0; i < maxLen; i++) blocks.forEach((b) => { if (i < b.d.length) out.push(b.d[i]); });
    for (let i = 0; i < ec; i++) blocks.forEach((b) => out.push(b.e[i]));
    return out;
  }

  function encode(text) {
    const { version, data } = codewords(Array.from(new TextEncoder().encode(text)));
    const all = interleave(version, data);
    const size = 17 + 4 * version;
    const m = Array.from({ length: size }, () => new Array(size).fill(false));
    const fn = Array.from({ length: size }, () => new Array(size).fill(false));
    const set = (x, y, dark) => { m[y][x] = dark; fn[y][x] = true; };

    for (let i = 0; i < size; i++) { set(6, i, i % 2 === 0); set(i, 6, i % 2 === 0); }
    for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const x = cx + dx, y = cy + dy, d = Math.max(Math.abs(dx), Math.abs(dy));
          if (x >= 0 && x < size && y >= 0 && y < size) set(x, y, d !== 2 && d !== 4);
        }
      }
    }
    const al = ALIGN[version], last = al.length - 1;
    al.forEach((ay, i) => al.forEach((ax, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) set(ax + dx, ay + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    }));
    const format = (mask) => {
      const d = (1 << 3) | mask; // level L is 01
      let r = d;
      for (let i = 0; i < 10; i++) r = (r << 1) ^ ((r >>> 9) * 0x537);
      const bits = ((d << 10) | r) ^ 0x5412;
      const b = (i) => ((bits >>> i) & 1) !== 0;
      for (let i = 0; i <= 5; i++) set(8, i, b(i));
      set(8, 7, b(6)); set(8, 8, b(7)); set(7, 8, b(8));
      for (let i = 9; i < 15; i++) set(14 - i, 8, b(i));
      for (let i = 0; i < 8; i++) set(size - 1 - i, 8, b(i));
      for (let i = 8; i < 15; i++) set(8, size - 15 + i, b(i));
      set(8, size - 8, true);
    };
    format(0);
    if (version >= 7) {
      let r = version;
      for (let i = 0; i < 12; i++) r = (r << 1) ^ ((r >>> 11) * 0x1f25);
      const bits = (version << 12) | r;
      for (let i = 0; i < 18; i++) {
        const dark = ((bits >>> i) & 1) !== 0, a = size - 11 + (i % 3), b = Math.floor(i / 3);
        set(a, b, dark); set(b, a, dark);
      }
    }
    let bit = 0;
    for (let right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      for (let vert = 0; vert < size; vert++) {
        for (let j = 0; j < 2; j++) {
          const x = right - j, up = ((right + 1) & 2) === 0, y = up ? size - 1 - vert : vert;
          if (fn[y][x]) continue;
          if (bit < all.length * 8) m[y][x] = ((all[bit >>> 3] >>> (7 - (bit & 7))) & 1) !== 0;
          bit++;
          if ((x + y) % 2 === 0) m[y][x] = !m[y][x]; // mask 0
        }
      }
    }
    return m;
  }

  // An <svg> of the code, with a 4-module quiet zone, `scale` px a module.
  function svg(text, scale = 4) {
    const m = encode(text), n = m.length + 8, NS = 'http://www.w3.org/2000/svg';
    const el = document.createElementNS(NS, 'svg');
    el.setAttribute('viewBox', `0 0 ${n} ${n}`);
    el.setAttribute('width', String(n * scale));
    el.setAttribute('height', String(n * scale));
    el.setAttribute('shape-rendering', 'crispEdges');
    const bg = document.createElementNS(NS, 'rect');
    bg.setAttribute('width', String(n)); bg.setAttribute('height', String(n)); bg.setAttribute('fill', '#fff');
    el.appendChild(bg);
    let d = '';
    m.forEach((row, y) => row.forEach((dark, x) => { if (dark) d += `M${x + 4} ${y + 4}h1v1h-1z`; }));
    const p = document.createElementNS(NS, 'path');
    p.setAttribute('d', d); p.setAttribute('fill', '#000');
    el.appendChild(p);
    return el;
  }

  globalThis.mfaemuQr = { encode, svg };
})();
