/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text screens recognised glyph by glyph: in VGA text mode (9x16 cells)
 * and on a Linux framebuffer console (8x16 cells) every cell is a glyph of
 * a known font in two colours. The fonts come from the VGA BIOS ROM QEMU
 * loads and from the console fonts of kbd/console-setup (PSF).
 */
#ifndef VMDESK_RENDER_TEXTSCREEN_H
#define VMDESK_RENDER_TEXTSCREEN_H

#include <stdint.h>

struct ts_fonts;

/* Glyph height every font here has. */
#define TS_GLYPH_H	16

/* The VGA BIOS whose font QEMU's VGA text mode shows. */
#define TS_VGA_ROM	"/usr/share/seabios/vgabios-stdvga.bin"
/* Where console fonts live. */
#define TS_CONSOLE_FONTS	"/usr/share/consolefonts"

/* One recognised cell: a Unicode character and colours as 0xRRGGBB. */
struct ts_cell {
	uint32_t	ch;
	uint32_t	fg;
	uint32_t	bg;
};

/* A frame read as text. */
struct ts_screen {
	int		 cols, rows;
	int		 cw, chh;	/* cell size in pixels */
	int		 cur_x, cur_y;	/* the cursor's cell, or -1 */
	int		 matched;	/* cells that matched a glyph */
	struct ts_cell	*cells;		/* cols * rows, row by row */
};

/* An empty font set. */
struct ts_fonts	*ts_fonts_create(void);
void		 ts_fonts_free(struct ts_fonts *);
/*
 * Add 8x16 glyphs: n bitmaps of 16 bytes (bit 7 leftmost) with the
 * character each shows; with vga, the glyph index is its VGA code (0xC0 to
 * 0xDF repeat their 8th column in 9-pixel cells). A bitmap already known
 * keeps its first character.
 */
void		 ts_fonts_add(struct ts_fonts *, const uint8_t *, int,
		     const uint32_t *, int);
/* Find the 8x16 font in a VGA BIOS ROM image and add it (CP437). */
int		 ts_fonts_add_rom(struct ts_fonts *, const char *, char **);
/* Add a PSF1 or PSF2 8x16 font (gzip or not) with its Unicode table. */
int		 ts_fonts_add_psf(struct ts_fonts *, const char *, char **);
/*
 * The fonts guests show: the VGA ROM (required) and the console fonts
 * found. NULL and *cause without the ROM.
 */
struct ts_fonts	*ts_fonts_default(char **);
/* The 16 bytes of the VGA ROM glyph for a CP437 code, or NULL. */
const uint8_t	*ts_fonts_vga_glyph(const struct ts_fonts *, int);
/* The Unicode character of a CP437 code. */
uint32_t	 ts_cp437(int);

/*
 * Read a frame (4 bytes a pixel, R, G, B, x; w by h) as text. Pure: no
 * I/O. Fills *out (its cells are reallocated as needed; zero it first,
 * ts_screen_clear() frees). Returns 1 when at least 98% of the cells are
 * glyphs, else 0 (draw pixels).
 */
int		 ts_match(const struct ts_fonts *, const uint8_t *, int, int,
		     struct ts_screen *);
void		 ts_screen_clear(struct ts_screen *);
/*
 * The screen's characters as UTF-8 lines, each without its trailing
 * blanks, without the blank lines at the end. Caller frees.
 */
char		*ts_screen_text(const struct ts_screen *);

#endif
