/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Real pixels in a terminal: sixel (libsixel) and kitty graphics images. */
#include "config.h"

#include "render/termgfx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/cellrender.h"
#include "util/lazy_sixel.h"
#include "util/xmalloc.h"

/* The kitty protocol takes its base64 payload in chunks of at most this. */
#define TG_KITTY_CHUNK	4096

struct tg_buf {
	char	*s;
	size_t	 len, cap;
};

static void
tg_put(struct tg_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
tg_scale(const uint8_t *px, int w, int h, uint8_t *out, int pw, int ph)
{
	struct cr_rect	all = { 0, 0, w, h };

	tg_scale_rect(px, w, &all, out, pw, ph);
}

void
tg_scale_rect(const uint8_t *px, int w, const struct cr_rect *src,
    uint8_t *out, int pw, int ph)
{
	const uint8_t	*p;
	unsigned	 r, g, b, n;
	int		 ox, oy, x, y, x0, x1, y0, y1;
	int		 xe = src->x + src->w, ye = src->y + src->h;

	for (oy = 0; oy < ph; oy++) {
		y0 = src->y + (int)((long)oy * src->h / ph);
		y1 = src->y + (int)((long)(oy + 1) * src->h / ph);
		if (y1 <= y0)
			y1 = y0 + 1;
		for (ox = 0; ox < pw; ox++) {
			x0 = src->x + (int)((long)ox * src->w / pw);
			x1 = src->x + (int)((long)(ox + 1) * src->w / pw);
			if (x1 <= x0)
				x1 = x0 + 1;
			r = g = b = n = 0;
			for (y = y0; y < y1 && y < ye; y++) {
				p = px + ((size_t)y * (size_t)w +
				    (size_t)x0) * 4;
				for (x = x0; x < x1 && x < xe; x++, p += 4) {
					r += p[0];
					g += p[1];
					b += p[2];
					n++;
				}
			}
			if (n == 0)
				n = 1;
			*out++ = (uint8_t)(r / n);
			*out++ = (uint8_t)(g / n);
			*out++ = (uint8_t)(b / n);
		}
	}
}

/* The palette entry nearest a colour, remembered by its 15 high bits. */
static uint8_t
tg_nearest(const unsigned char *pal, int ncol, int16_t *cache, const uint8_t *p)
{
	unsigned	key = (unsigned)(p[0] >> 3) << 10 |
			    (unsigned)(p[1] >> 3) << 5 | (unsigned)(p[2] >> 3);
	int		i, d, dr, dg, db, best = 0, bestd = 1 << 30;

	if (cache[key] >= 0)
		return ((uint8_t)cache[key]);
	for (i = 0; i < ncol; i++) {
		dr = pal[i * 3] - p[0];
		dg = pal[i * 3 + 1] - p[1];
		db = pal[i * 3 + 2] - p[2];
		d = dr * dr * 3 + dg * dg * 4 + db * db * 2;
		if (d < bestd) {
			bestd = d;
			best = i;
		}
	}
	cache[key] = (int16_t)best;
	return ((uint8_t)best);
}

static void
tg_sixel_run(struct tg_buf *b, int ch, int n)
{
	char	tmp[16];
	int	len;

	if (n >= 4) {
		len = snprintf(tmp, sizeof tmp, "!%d%c", n, ch);
		tg_put(b, tmp, (size_t)len);
		return;
	}
	while (n-- > 0) {
		tmp[0] = (char)ch;
		tg_put(b, tmp, 1);
	}
}

/*
 * Sixel with the frame's own palette (libsixel's median cut), pixels
 * mapped to it without dithering, and bands written colour by colour.
 * libsixel's own encoder took 1.3-2.4 s for a frame of noise here (its
 * per-colour run lists); this one stays within tens of milliseconds.
 */
static int
tg_sixel(uint8_t *rgb, int pw, int ph, struct tg_buf *b, char **cause)
{
	sixel_dither_t	*dither = NULL;
	unsigned char	*pal, *bits, *row, used[256];
	int16_t		*cache;
	uint8_t		*idx;
	SIXELSTATUS	 st;
	char		 tmp[64];
	int		 ncol, i, x, y, y0, k, c, n, len, first, last;
	int		 run, ch;

	if (lazy_sixel_load(cause) != 0)
		return (-1);
	st = sixel_dither_new(&dither, 256, NULL);
	if (SIXEL_SUCCEEDED(st))
		st = sixel_dither_initialize(dither, rgb, pw, ph,
		    SIXEL_PIXELFORMAT_RGB888, SIXEL_LARGE_AUTO, SIXEL_REP_AUTO,
		    SIXEL_QUALITY_LOW);
	if (SIXEL_FAILED(st)) {
		if (dither != NULL)
			sixel_dither_unref(dither);
		*cause = xasprintf("sixel: %s", sixel_helper_format_error(st));
		return (-1);
	}
	pal = sixel_dither_get_palette(dither);
	ncol = sixel_dither_get_num_of_palette_colors(dither);
	if (ncol < 1 || ncol > 256) {
		sixel_dither_unref(dither);
		*cause = xstrdup("sixel: no palette");
		return (-1);
	}
	cache = xreallocarray(NULL, 32768, sizeof *cache);
	memset(cache, 0xff, 32768 * sizeof *cache);
	idx = xreallocarray(NULL, (size_t)pw, (size_t)ph);
	for (i = 0; i < pw * ph; i++)
		idx[i] = tg_nearest(pal, ncol, cache, rgb + (size_t)i * 3);

	len = snprintf(tmp, sizeof tmp, "\033Pq\"1;1;%d;%d", pw, ph);
	tg_put(b, tmp, (size_t)len);
	for (i = 0; i < ncol; i++) {
		len = snprintf(tmp, sizeof tmp, "#%d;2;%d;%d;%d", i,
		    (pal[i * 3] * 100 + 127) / 255,
		    (pal[i * 3 + 1] * 100 + 127) / 255,
		    (pal[i * 3 + 2] * 100 + 127) / 255);
		tg_put(b, tmp, (size_t)len);
	}
	bits = xcalloc(256, (size_t)pw);
	for (y0 = 0; y0 < ph; y0 += 6) {
		memset(used, 0, sizeof used);
		for (k = 0; k < 6 && y0 + k < ph; k++) {
			y = y0 + k;
			for (x = 0; x < pw; x++) {
				c = idx[(size_t)y * (size_t)pw + (size_t)x];
				bits[(size_t)c * (size_t)pw + (size_t)x] |=
				    (unsigned char)(1 << k);
				used[c] = 1;
			}
		}
		first = 1;
		for (c = 0; c < ncol; c++) {
			if (!used[c])
				continue;
			row = bits + (size_t)c * (size_t)pw;
			for (last = pw; last > 0 && row[last - 1] == 0; last--)
				;
			len = snprintf(tmp, sizeof tmp, "%s#%d", first ? "" :
			    "$", c);
			tg_put(b, tmp, (size_t)len);
			first = 0;
			run = 0;
			ch = -1;
			for (x = 0; x < last; x++) {
				n = 63 + row[x];
				if (n != ch) {
					if (run > 0)
						tg_sixel_run(b, ch, run);
					ch = n;
					run = 0;
				}
				run++;
			}
			if (run > 0)
				tg_sixel_run(b, ch, run);
			memset(row, 0, (size_t)pw);
		}
		if (y0 + 6 < ph)
			tg_put(b, "-", 1);
	}
	tg_put(b, "\033\\", 2);
	free(bits);
	free(idx);
	free(cache);
	sixel_dither_unref(dither);
	return (0);
}

char *
tg_base64(const void *data, size_t n)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const uint8_t		*p = data;
	char			*enc;
	size_t			 i, off;
	uint32_t		 v;

	enc = xmalloc((n + 2) / 3 * 4 + 1);
	for (i = 0, off = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		enc[off++] = b64[v >> 18 & 0x3f];
		enc[off++] = b64[v >> 12 & 0x3f];
		enc[off++] = i + 1 < n ? b64[v >> 6 & 0x3f] : '=';
		enc[off++] = i + 2 < n ? b64[v & 0x3f] : '=';
	}
	enc[off] = '\0';
	return (enc);
}

char *
tg_osc52(const char *text)
{
	char	*enc, *s;

	enc = tg_base64(text, strlen(text));
	/* c: the clipboard; BEL ends it where ST would also do. */
	s = xasprintf("\033]52;c;%s\007", enc);
	free(enc);
	return (s);
}

/*
 * Kitty image id of pw x ph R,G,B pixels, shown at the cursor over cols x
 * rows cells, or at its own size when cols is 0.
 */
static void
tg_kitty(const uint8_t *rgb, int pw, int ph, int cols, int rows,
    unsigned id, struct tg_buf *b)
{
	size_t			 n = (size_t)pw * (size_t)ph * 3, off;
	size_t			 elen = (n + 2) / 3 * 4;
	char			*enc, head[128], size[32] = "";
	int			 hn;

	enc = tg_base64(rgb, n);
	/*
	 * Transmit and show at the cursor, scaled to the cells, the cursor
	 * left where it is (C=1), no answers on our input (q=2). The same id
	 * again replaces that image.
	 */
	if (cols > 0)
		snprintf(size, sizeof size, "c=%d,r=%d,", cols, rows);
	for (off = 0; off < elen; off += TG_KITTY_CHUNK) {
		if (off == 0)
			hn = snprintf(head, sizeof head, "\033_Ga=T,f=24,s=%d,"
			    "v=%d,%si=%u,C=1,q=2,m=%d;", pw, ph, size, id,
			    off + TG_KITTY_CHUNK < elen);
		else
			hn = snprintf(head, sizeof head, "\033_Gm=%d;",
			    off + TG_KITTY_CHUNK < elen);
		tg_put(b, head, (size_t)hn);
		tg_put(b, enc + off, elen - off < TG_KITTY_CHUNK ? elen - off :
		    TG_KITTY_CHUNK);
		tg_put(b, "\033\\", 2);
	}
	free(enc);
}

const char *
tg_kitty_clear(void)
{
	/* Every placement on the (alternate) screen, and its image. */
	return ("\033_Ga=d,d=A,q=2\033\\");
}

char *
tg_encode_part(enum tg_proto proto, const uint8_t *rgb, int pw, int ph,
    int x, int y, int w, int h, unsigned id, size_t *lenp, char **cause)
{
	struct tg_buf	 b = { NULL, 0, 0 };
	uint8_t		*part;
	int		 j;

	if (rgb == NULL || x < 0 || y < 0 || w <= 0 || h <= 0 ||
	    x + w > pw || y + h > ph) {
		*cause = xasprintf("%dx%d at %d,%d is not in the %dx%d picture",
		    w, h, x, y, pw, ph);
		return (NULL);
	}
	part = xreallocarray(NULL, (size_t)w * (size_t)h, 3);
	for (j = 0; j < h; j++)
		memcpy(part + (size_t)j * (size_t)w * 3, rgb +
		    ((size_t)(y + j) * (size_t)pw + (size_t)x) * 3,
		    (size_t)w * 3);
	if (proto == TG_KITTY)
		tg_kitty(part, w, h, 0, 0, id, &b);
	else if (tg_sixel(part, w, h, &b, cause) != 0) {
		free(part);
		free(b.s);
		return (NULL);
	}
	free(part);
	*lenp = b.len;
	return (b.s);
}

char *
tg_encode(enum tg_proto proto, const uint8_t *px, int w, int h, int pw,
    int ph, int cols, int rows, size_t *lenp, char **cause)
{
	struct cr_rect	all = { 0, 0, w, h };

	return (tg_encode_rect(proto, px, w, h, &all, pw, ph, cols, rows, lenp,
	    cause));
}

char *
tg_encode_rect(enum tg_proto proto, const uint8_t *px, int w, int h,
    const struct cr_rect *src, int pw, int ph, int cols, int rows,
    size_t *lenp, char **cause)
{
	struct tg_buf	 b = { NULL, 0, 0 };
	uint8_t		*rgb;

	if (px == NULL || w <= 0 || h <= 0 || pw <= 0 || ph <= 0) {
		*cause = xstrdup("no picture to draw");
		return (NULL);
	}
	if (src->x < 0 || src->y < 0 || src->w <= 0 || src->h <= 0 ||
	    src->x + src->w > w || src->y + src->h > h) {
		*cause = xasprintf("%dx%d at %d,%d is not in the %dx%d frame",
		    src->w, src->h, src->x, src->y, w, h);
		return (NULL);
	}
	rgb = xreallocarray(NULL, (size_t)pw * (size_t)ph, 3);
	tg_scale_rect(px, w, src, rgb, pw, ph);
	if (proto == TG_KITTY)
		tg_kitty(rgb, pw, ph, cols, rows, TG_KITTY_ID, &b);
	else if (tg_sixel(rgb, pw, ph, &b, cause) != 0) {
		free(rgb);
		free(b.s);
		return (NULL);
	}
	free(rgb);
	*lenp = b.len;
	return (b.s);
}
