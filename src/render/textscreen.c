/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text screens recognised glyph by glyph against the fonts guests use. */
#include "config.h"

#include "render/textscreen.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/lazy_archive.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* A frame is text when at most this share of cells (1/50) is no glyph. */
#define TS_MISS_DIV	50
/* Rows of a 16-line cell the text cursor (an underline) may cover. */
#define TS_CURSOR_TOP	11

struct ts_glyph {
	uint64_t	a, b;		/* the 16 bitmap bytes */
	uint32_t	ch;
	int		used;
	int		ninth;		/* repeats its 8th column in 9-wide cells */
};

struct ts_fonts {
	struct ts_glyph	*tab;
	size_t		 size;		/* a power of two */
	size_t		 n;
	uint8_t		 vga[256 * TS_GLYPH_H];
	int		 have_vga;
};

static const uint16_t ts_cp437_tab[256] = {
	0x0020, 0x263a, 0x263b, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022,
	0x25d8, 0x25cb, 0x25d9, 0x2642, 0x2640, 0x266a, 0x266b, 0x263c,
	0x25ba, 0x25c4, 0x2195, 0x203c, 0x00b6, 0x00a7, 0x25ac, 0x21a8,
	0x2191, 0x2193, 0x2192, 0x2190, 0x221f, 0x2194, 0x25b2, 0x25bc,
	0x0020, 0x0021, 0x0022, 0x0023, 0x0024, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
	0x0040, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005a, 0x005b, 0x005c, 0x005d, 0x005e, 0x005f,
	0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007a, 0x007b, 0x007c, 0x007d, 0x007e, 0x2302,
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
	0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
	0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
	0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192,
	0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
	0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
	0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510,
	0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567,
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b,
	0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
	0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4,
	0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,
	0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
	0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x0020,
};

uint32_t
ts_cp437(int code)
{
	return (ts_cp437_tab[code & 0xff]);
}

struct ts_fonts *
ts_fonts_create(void)
{
	struct ts_fonts	*f;

	f = xcalloc(1, sizeof *f);
	f->size = 4096;
	f->tab = xcalloc(f->size, sizeof *f->tab);
	return (f);
}

void
ts_fonts_free(struct ts_fonts *f)
{
	if (f == NULL)
		return;
	free(f->tab);
	free(f);
}

static size_t
ts_hash(uint64_t a, uint64_t b, size_t size)
{
	uint64_t	h;

	h = (a * 0x9e3779b97f4a7c15ULL) ^ (b * 0xc2b2ae3d27d4eb4fULL);
	h ^= h >> 29;
	return ((size_t)(h * 0xbf58476d1ce4e5b9ULL >> 20) & (size - 1));
}

static const struct ts_glyph *
ts_find(const struct ts_fonts *f, uint64_t a, uint64_t b)
{
	size_t	i;

	for (i = ts_hash(a, b, f->size); f->tab[i].used;
	    i = (i + 1) & (f->size - 1)) {
		if (f->tab[i].a == a && f->tab[i].b == b)
			return (&f->tab[i]);
	}
	return (NULL);
}

static void
ts_insert(struct ts_fonts *f, uint64_t a, uint64_t b, uint32_t ch, int ninth)
{
	struct ts_glyph	*old;
	size_t		 i, oldsize;

	if (ts_find(f, a, b) != NULL)
		return;
	if ((f->n + 1) * 2 > f->size) {
		old = f->tab;
		oldsize = f->size;
		f->size *= 2;
		f->tab = xcalloc(f->size, sizeof *f->tab);
		f->n = 0;
		for (i = 0; i < oldsize; i++) {
			if (old[i].used)
				ts_insert(f, old[i].a, old[i].b, old[i].ch,
				    old[i].ninth);
		}
		free(old);
	}
	for (i = ts_hash(a, b, f->size); f->tab[i].used;
	    i = (i + 1) & (f->size - 1))
		;
	f->tab[i].a = a;
	f->tab[i].b = b;
	f->tab[i].ch = ch;
	f->tab[i].ninth = ninth;
	f->tab[i].used = 1;
	f->n++;
}

void
ts_fonts_add(struct ts_fonts *f, const uint8_t *bits, int n,
    const uint32_t *chars, int vga)
{
	uint64_t	a, b;
	int		i, pass, ascii;

	/* ASCII first: a bitmap several characters share reads as ASCII. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			ascii = chars[i] >= 0x20 && chars[i] < 0x7f;
			if (ascii != (pass == 0))
				continue;
			memcpy(&a, bits + i * TS_GLYPH_H, 8);
			memcpy(&b, bits + i * TS_GLYPH_H + 8, 8);
			ts_insert(f, a, b, chars[i], vga && i >= 0xc0 &&
			    i <= 0xdf);
		}
	}
}

const uint8_t *
ts_fonts_vga_glyph(const struct ts_fonts *f, int code)
{
	if (!f->have_vga || code < 0 || code > 255)
		return (NULL);
	return (f->vga + code * TS_GLYPH_H);
}

/*
 * The ROM holds 8x8, 8x14 and 8x16 fonts. The 8x16 one is the 4 KiB
 * whose glyphs 0 and 0x20 are blank, 0xDB (full block) all set, and 'A'
 * has pixels: in SeaBIOS's vgabios-stdvga.bin exactly one place is.
 */
int
ts_fonts_add_rom(struct ts_fonts *f, const char *path, char **cause)
{
	static const uint8_t	 full[TS_GLYPH_H] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	static const uint8_t	 blank[TS_GLYPH_H];
	uint32_t		 chars[256];
	uint8_t			*rom;
	size_t			 len, off;
	int			 i;

	if ((rom = (uint8_t *)fs_read_file(path, &len, cause)) == NULL)
		return (-1);
	for (off = 0; off + 256 * TS_GLYPH_H <= len; off++) {
		if (memcmp(rom + off, blank, TS_GLYPH_H) == 0 &&
		    memcmp(rom + off + 0x20 * TS_GLYPH_H, blank,
		    TS_GLYPH_H) == 0 &&
		    memcmp(rom + off + 0xdb * TS_GLYPH_H, full,
		    TS_GLYPH_H) == 0 &&
		    memcmp(rom + off + 'A' * TS_GLYPH_H, blank,
		    TS_GLYPH_H) != 0)
			break;
	}
	if (off + 256 * TS_GLYPH_H > len) {
		free(rom);
		*cause = xasprintf("%s: no 8x16 font in it", path);
		return (-1);
	}
	memcpy(f->vga, rom + off, sizeof f->vga);
	free(rom);
	f->have_vga = 1;
	for (i = 0; i < 256; i++)
		chars[i] = ts_cp437(i);
	ts_fonts_add(f, f->vga, 256, chars, 1);
	return (0);
}

/* A whole file through libarchive's raw format: gzip or plain. */
static uint8_t *
ts_read_any(const char *path, size_t *lenp, char **cause)
{
	struct archive		*ar;
	struct archive_entry	*ae;
	uint8_t			*buf = NULL;
	size_t			 len = 0, cap = 0;
	la_ssize_t		 n;

	if (lazy_archive_load(cause) != 0)
		return (NULL);
	ar = archive_read_new();
	archive_read_support_filter_all(ar);
	archive_read_support_format_raw(ar);
	if (archive_read_open_filename(ar, path, 16384) != ARCHIVE_OK ||
	    archive_read_next_header(ar, &ae) != ARCHIVE_OK) {
		*cause = xasprintf("%s: %s", path, archive_error_string(ar));
		archive_read_free(ar);
		return (NULL);
	}
	for (;;) {
		if (cap - len < 16384) {
			cap = cap * 2 + 16384;
			buf = xrealloc(buf, cap);
		}
		n = archive_read_data(ar, buf + len, cap - len);
		if (n < 0) {
			*cause = xasprintf("%s: %s", path,
			    archive_error_string(ar));
			archive_read_free(ar);
			free(buf);
			return (NULL);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	archive_read_free(ar);
	*lenp = len;
	return (buf);
}

/* The first character of a UTF-8 sequence; *used gets its length. */
static uint32_t
ts_utf8(const uint8_t *s, size_t left, size_t *used)
{
	uint32_t	c = s[0];
	size_t		n, i;

	n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (n > left) {
		*used = left;
		return (0xfffd);
	}
	if (n > 1)
		c &= 0x3f >> (n - 1);
	for (i = 1; i < n; i++)
		c = c << 6 | (s[i] & 0x3f);
	*used = n;
	return (c);
}

int
ts_fonts_add_psf(struct ts_fonts *f, const char *path, char **cause)
{
	uint8_t		*d;
	uint32_t	*chars, v;
	size_t		 len, off, used, glyphs_at;
	uint32_t	 n, charsize, height, width, hdr, flags;
	uint32_t	 i;
	int		 psf2, seq;

	if ((d = ts_read_any(path, &len, cause)) == NULL)
		return (-1);
	if (len >= 4 && d[0] == 0x36 && d[1] == 0x04) {
		psf2 = 0;
		n = (d[2] & 0x01) ? 512 : 256;
		flags = (d[2] & 0x06) ? 1 : 0;
		charsize = height = d[3];
		width = 8;
		hdr = 4;
	} else if (len >= 32 && d[0] == 0x72 && d[1] == 0xb5 &&
	    d[2] == 0x4a && d[3] == 0x86) {
		psf2 = 1;
		memcpy(&hdr, d + 8, 4);
		memcpy(&flags, d + 12, 4);
		memcpy(&n, d + 16, 4);
		memcpy(&charsize, d + 20, 4);
		memcpy(&height, d + 24, 4);
		memcpy(&width, d + 28, 4);
		hdr = le32toh(hdr);
		flags = le32toh(flags);
		n = le32toh(n);
		charsize = le32toh(charsize);
		height = le32toh(height);
		width = le32toh(width);
	} else {
		free(d);
		*cause = xasprintf("%s: not a PSF font", path);
		return (-1);
	}
	if (width != 8 || height != TS_GLYPH_H || charsize != TS_GLYPH_H ||
	    n == 0 || n > 65536 || hdr > len ||
	    (size_t)n * charsize > len - hdr) {
		free(d);
		*cause = xasprintf("%s: not an 8x16 font", path);
		return (-1);
	}
	glyphs_at = hdr;
	chars = xcalloc(n, sizeof *chars);
	for (i = 0; i < n; i++)
		chars[i] = i;
	off = glyphs_at + (size_t)n * charsize;
	/* The Unicode table: each glyph's characters; keep the first. */
	for (i = 0; flags != 0 && i < n && off < len; i++) {
		seq = 0;
		chars[i] = 0;
		while (off < len) {
			if (psf2) {
				if (d[off] == 0xff) {
					off++;
					break;
				}
				if (d[off] == 0xfe) {
					seq = 1;
					off++;
					continue;
				}
				v = ts_utf8(d + off, len - off, &used);
				off += used;
			} else {
				if (off + 2 > len) {
					off = len;
					break;
				}
				v = (uint32_t)d[off] | (uint32_t)d[off + 1] << 8;
				off += 2;
				if (v == 0xffff)
					break;
				if (v == 0xfffe) {
					seq = 1;
					continue;
				}
			}
			if (!seq && chars[i] == 0)
				chars[i] = v;
		}
		if (chars[i] == 0)
			chars[i] = 0xfffd;
	}
	ts_fonts_add(f, d + glyphs_at, (int)n, chars, 0);
	free(chars);
	free(d);
	return (0);
}

struct ts_fonts *
ts_fonts_default(char **cause)
{
	/*
	 * Debian's console fonts closest to the kernel's own 8x16 font:
	 * Uni2-VGA16 has most of its ASCII; of the fonts shipped only the
	 * Goha ones have its 'f', 'v' and '~' (seen on a 6.1 fbcon).
	 */
	static const char *const psf[] = {
		"Uni2-VGA16.psf.gz", "Lat15-VGA16.psf.gz",
		"Ethiopian-Goha16.psf.gz",
	};
	struct ts_fonts	*f;
	char		*path, *why = NULL;
	size_t		 i;

	f = ts_fonts_create();
	if (ts_fonts_add_rom(f, TS_VGA_ROM, cause) != 0) {
		ts_fonts_free(f);
		return (NULL);
	}
	for (i = 0; i < sizeof psf / sizeof psf[0]; i++) {
		path = fs_path_join(TS_CONSOLE_FONTS, psf[i]);
		if (fs_exists(path) && ts_fonts_add_psf(f, path, &why) != 0) {
			free(why);
			why = NULL;
		}
		free(path);
	}
	return (f);
}

/* ---- Matching ---------------------------------------------------------- */

static inline uint32_t
ts_px(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]);
}

static const struct ts_glyph *
ts_lookup(const struct ts_fonts *f, const uint8_t *rows)
{
	uint64_t	a, b;

	memcpy(&a, rows, 8);
	memcpy(&b, rows + 8, 8);
	return (ts_find(f, a, b));
}

/* Whether the 9th column agrees with a glyph (fg marks its fg pixels). */
static int
ts_ninth_ok(const struct ts_glyph *g, const uint8_t *fg, uint16_t ninth)
{
	int	r;

	for (r = 0; r < TS_GLYPH_H; r++) {
		if (((ninth >> r) & 1) != (g->ninth ? fg[r] & 1 : 0))
			return (0);
	}
	return (1);
}

/*
 * One cell: two colours at most, and its bitmap (or the inverse) a glyph.
 * An underline of the guest's text cursor over the cell's bottom rows is
 * taken off first when the plain bitmap is no glyph. Returns 1 on a match,
 * 2 on a match under the cursor, 0 otherwise.
 */
static int
ts_cell(const struct ts_fonts *f, const uint8_t *pix, int w, int x0, int y0,
    int cw, struct ts_cell *out)
{
	const struct ts_glyph	*g;
	const uint8_t		*p;
	uint8_t			 bits[TS_GLYPH_H], inv[TS_GLYPH_H];
	uint32_t		 c0, c1 = 0, c;
	uint16_t		 ninth = 0;
	int			 r, i, have1 = 0, top, end;

	c0 = ts_px(pix + ((size_t)y0 * (size_t)w + (size_t)x0) * 4);
	for (r = 0; r < TS_GLYPH_H; r++) {
		p = pix + ((size_t)(y0 + r) * (size_t)w + (size_t)x0) * 4;
		bits[r] = 0;
		for (i = 0; i < cw; i++, p += 4) {
			if ((c = ts_px(p)) == c0)
				continue;
			if (!have1) {
				c1 = c;
				have1 = 1;
			} else if (c != c1)
				return (0);
			if (i < 8)
				bits[r] |= 0x80 >> i;
			else
				ninth |= 1 << r;
		}
		inv[r] = (uint8_t)~bits[r];
	}
	if (!have1)
		c1 = c0;
	if ((g = ts_lookup(f, bits)) != NULL &&
	    (cw == 8 || ts_ninth_ok(g, bits, ninth))) {
		out->ch = g->ch;
		out->fg = c1;
		out->bg = c0;
		return (1);
	}
	if ((g = ts_lookup(f, inv)) != NULL &&
	    (cw == 8 || ts_ninth_ok(g, inv, (uint16_t)~ninth))) {
		out->ch = g->ch;
		out->fg = c0;
		out->bg = c1;
		return (1);
	}
	/*
	 * The cursor: full rows of the set colour at the bottom, ending on
	 * row 14 (VGA text mode: rows 13-14) or 15 (fbcon: rows 14-15).
	 */
	if (!have1)
		return (0);
	if (bits[TS_GLYPH_H - 1] == 0xff)
		end = TS_GLYPH_H - 1;
	else if (bits[TS_GLYPH_H - 2] == 0xff)
		end = TS_GLYPH_H - 2;
	else
		return (0);
	for (top = end; top > TS_CURSOR_TOP && bits[top - 1] == 0xff; top--)
		;
	for (r = top; r <= end; r++)
		bits[r] = 0;
	if (cw == 9)
		ninth = 0;
	if ((g = ts_lookup(f, bits)) != NULL &&
	    (cw == 8 || ts_ninth_ok(g, bits, ninth))) {
		out->ch = g->ch;
		out->fg = c1;
		out->bg = c0;
		return (2);
	}
	return (0);
}

/* Every cell at one cell size; stops early once too many miss. */
static int
ts_match_geometry(const struct ts_fonts *f, const uint8_t *pix, int w, int h,
    int cw, struct ts_screen *s)
{
	struct ts_cell	*cell;
	size_t		 n;
	int		 x, y, m, miss = 0, limit;

	s->cw = cw;
	s->chh = TS_GLYPH_H;
	s->cols = w / cw;
	s->rows = h / TS_GLYPH_H;
	n = (size_t)s->cols * (size_t)s->rows;
	s->cells = xreallocarray(s->cells, n, sizeof *s->cells);
	s->cur_x = s->cur_y = -1;
	s->matched = 0;
	limit = (int)(n / TS_MISS_DIV);
	for (y = 0; y < s->rows; y++) {
		for (x = 0; x < s->cols; x++) {
			cell = &s->cells[(size_t)y * (size_t)s->cols +
			    (size_t)x];
			m = ts_cell(f, pix, w, x * cw, y * TS_GLYPH_H, cw, cell);
			if (m == 0) {
				/* No glyph: a blank in the top-left colour. */
				cell->ch = ' ';
				cell->bg = cell->fg = ts_px(pix +
				    ((size_t)y * TS_GLYPH_H * (size_t)w +
				    (size_t)x * (size_t)cw) * 4);
				if (++miss > limit)
					return (0);
				continue;
			}
			if (m == 2) {
				s->cur_x = x;
				s->cur_y = y;
			}
			s->matched++;
		}
	}
	return (1);
}

int
ts_match(const struct ts_fonts *f, const uint8_t *pix, int w, int h,
    struct ts_screen *s)
{
	static const int	widths[] = { 9, 8 };
	size_t			i;

	if (pix == NULL || w <= 0 || h <= 0 || h % TS_GLYPH_H != 0)
		return (0);
	for (i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		if (w % widths[i] != 0)
			continue;
		if (ts_match_geometry(f, pix, w, h, widths[i], s))
			return (1);
	}
	return (0);
}

char *
ts_screen_text(const struct ts_screen *s)
{
	char		*out, *o, *line;
	uint32_t	 ch;
	int		 x, y;

	o = out = xmalloc((size_t)s->cols * (size_t)s->rows * 4 +
	    (size_t)s->rows + 1);
	for (y = 0; y < s->rows; y++) {
		line = o;
		for (x = 0; x < s->cols; x++) {
			ch = s->cells[(size_t)y * (size_t)s->cols +
			    (size_t)x].ch;
			o += str_utf8_put(ch < ' ' ? ' ' : ch, o);
		}
		while (o > line && o[-1] == ' ')
			o--;
		*o++ = '\n';
	}
	while (o > out && o[-1] == '\n')
		o--;
	*o = '\0';
	return (out);
}

void
ts_screen_clear(struct ts_screen *s)
{
	free(s->cells);
	memset(s, 0, sizeof *s);
}
