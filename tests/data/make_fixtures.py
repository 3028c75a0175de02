#!/usr/bin/python3
"""Writes tests/data/fixtures/: one 16x16 image per supported format and channel layout, all
holding the same pattern (four flat 8x8 quadrants, aligned to JPEG blocks so even JPEG decodes
them almost exactly), plus a WebP that stb_image cannot decode. test_image_decode.cpp checks the
decoded pixels against the pattern it recomputes itself. Run once with Pillow; the outputs are
committed (a few KB), so the tests need no Python.

Quadrants (x < 8, y < 8 is top-left):  TL red, TR green, BL blue, BR grey 200.
Alpha variants use alpha 255 (TL), 0 (TR), 128 (BL), 255 (BR).
Grey variants use grey levels 30 (TL), 90 (TR), 160 (BL), 220 (BR).
"""
import os
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
RGB = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (200, 200, 200)]
ALPHA = [255, 0, 128, 255]
GREY = [30, 90, 160, 220]


def quadrant(x, y):
    return (1 if x >= 8 else 0) + (2 if y >= 8 else 0)


def make(mode):
    img = Image.new(mode, (16, 16))
    for y in range(16):
        for x in range(16):
            q = quadrant(x, y)
            if mode == "RGB":
                v = RGB[q]
            elif mode == "RGBA":
                v = RGB[q] + (ALPHA[q],)
            elif mode == "L":
                v = GREY[q]
            elif mode == "LA":
                v = (GREY[q], ALPHA[q])
            img.putpixel((x, y), v)
    return img


def main():
    os.makedirs(OUT, exist_ok=True)
    rgb, rgba, grey, grey_a = make("RGB"), make("RGBA"), make("L"), make("LA")
    rgb.save(os.path.join(OUT, "rgb.png"))
    rgba.save(os.path.join(OUT, "rgba.png"))
    grey.save(os.path.join(OUT, "grey.png"))
    grey_a.save(os.path.join(OUT, "grey_alpha.png"))
    rgb.quantize(4).save(os.path.join(OUT, "palette.png"))
    # Palette with transparency: the TR quadrant's palette entry is fully transparent (tRNS).
    pal = rgba.quantize(4, method=Image.Quantize.FASTOCTREE)
    pal.save(os.path.join(OUT, "palette_alpha.png"))
    rgb.save(os.path.join(OUT, "baseline.jpg"), quality=100, subsampling=0)
    rgb.save(os.path.join(OUT, "progressive.jpg"), quality=100, subsampling=0, progressive=True)
    rgb.save(os.path.join(OUT, "rgb.bmp"))
    rgb.save(os.path.join(OUT, "rgb.tga"))
    rgba.save(os.path.join(OUT, "rgba.tga"))
    rgb.save(os.path.join(OUT, "rgb.gif"))
    rgb.save(os.path.join(OUT, "rgb.ppm"))
    grey.save(os.path.join(OUT, "grey.pgm"))
    grey_16 = Image.new("I;16", (16, 16))
    for y in range(16):
        for x in range(16):
            grey_16.putpixel((x, y), GREY[quadrant(x, y)] * 257)  # 16-bit of the same level
    grey_16.save(os.path.join(OUT, "grey16.png"))
    try:
        rgb.save(os.path.join(OUT, "rgb.webp"), lossless=True)
    except (KeyError, OSError):
        # Pillow without WebP: a minimal RIFF/WEBP header is enough for the format check.
        with open(os.path.join(OUT, "rgb.webp"), "wb") as f:
            f.write(b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")


if __name__ == "__main__":
    main()
