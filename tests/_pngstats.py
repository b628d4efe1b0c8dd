#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Decode an 8-bit RGB/RGBA PNG (what Chromium writes) with zlib alone and print:
#   width height nonwhite_fraction distinct_colors [count-near-RRGGBB ...]
# With colours as extra arguments, also how many sampled pixels are near each (distance <= 40).
# Used to check that a screenshot is not blank. No third-party modules.
import struct, sys, zlib

def main(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6), f"unsupported PNG type {depth}/{ctype}"
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    want = [bytes.fromhex(c) for c in sys.argv[2:]]
    near = [0] * len(want)
    nonwhite, colors, i = 0, set(), 0
    for y in range(h):
        f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp * 4):  # every 4th pixel is plenty
            px = bytes(line[x:x + 3])
            colors.add(px)
            if px != b"\xff\xff\xff":
                nonwhite += 1
            for k, c in enumerate(want):
                if abs(px[0] - c[0]) + abs(px[1] - c[1]) + abs(px[2] - c[2]) <= 40:
                    near[k] += 1
        prev = line
    total = h * ((w + 3) // 4)
    print(w, h, f"{nonwhite / total:.4f}", len(colors), *near)

main(sys.argv[1])
