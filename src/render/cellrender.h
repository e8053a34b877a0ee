/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pixels to terminal cells: each cell is an upper half block whose
 * foreground is the top pixel and background the bottom one, each the
 * average of the source area it covers; the picture keeps its aspect and
 * is centred in the cells. A view zooms into the frame and pans: a
 * rectangle of guest pixels onto the cells, and back for the mouse.
 * Pure: no I/O.
 */
#ifndef VMDESK_RENDER_CELLRENDER_H
#define VMDESK_RENDER_CELLRENDER_H

#include <stdint.h>

/* The upper half block, U+2580. */
#define CR_UPPER_HALF	0x2580

/* A cell: a character and colours as 0xRRGGBB. */
struct cr_cell {
	uint32_t	ch;
	uint32_t	fg;
	uint32_t	bg;
};

/* Where the picture landed in the cells. */
struct cr_fit {
	int	x, y;		/* first cell */
	int	w, h;		/* cells used */
};

/* A rectangle in pixels. */
struct cr_rect {
	int	x, y, w, h;
};

/*
 * How a frame is looked at, kept from frame to frame: level 0 fits the
 * whole frame in the cells; each level above zooms in (twice and four
 * times the fit while below 1:1, then 1:1, 2:1, 4:1 output pixels per
 * guest pixel). cx, cy is the guest pixel at the centre of the view.
 */
struct cr_view {
	int	level;
	int	cx, cy;
};

/* Where a view of a frame lands. */
struct cr_place {
	int		w, h;		/* the frame */
	struct cr_rect	src;		/* the guest pixels shown */
	int		pw, ph;		/* the output pixels they fill */
	int		cw, ch;		/* an output cell, in pixels */
	struct cr_fit	fit;		/* the cells, from the top left one */
	int		num, den;	/* num / den output pixels a pixel */
	int		levels;		/* zoom levels for this frame */
};

/*
 * Place a view of a w by h frame in cols by rows cells of cw by ch output
 * pixels (1 by 2 for half blocks): the level and centre are clamped to
 * what the frame allows (the view never leaves the frame), the output
 * height is a multiple of hstep (2 for half blocks, 6 for sixel bands).
 */
void	 cr_view_place(struct cr_view *, int, int, int, int, int, int, int,
	     struct cr_place *);
/* Zoom in (1), out (-1) or back to the fit (0); 0 when at the end. */
int	 cr_view_zoom(struct cr_view *, const struct cr_place *, int);
/* Move the centre by dx, dy quarters of the view; 0 when at the edge. */
int	 cr_view_pan(struct cr_view *, const struct cr_place *, int, int);
/*
 * The guest pixel under the centre of cell cx, cy: 1 and *gx, *gy, or 0
 * for a cell outside the picture.
 */
int	 cr_view_pixel(const struct cr_place *, int, int, int *, int *);
/* The cell showing guest pixel gx, gy: 1 and *cx, *cy, or 0 if none. */
int	 cr_view_cell(const struct cr_place *, int, int, int *, int *);
/*
 * Render the view of a frame (4 bytes a pixel, R, G, B, x; w by h),
 * placed in cells of 1 by 2 pixels, into cols by rows half-block cells;
 * the rest become black spaces.
 */
void	 cr_render_view(const uint8_t *, int, int, const struct cr_place *,
	     struct cr_cell *, int, int);
/*
 * Render a whole frame into cols by rows cells, fitted. Fills *fit (may
 * be NULL).
 */
void	 cr_render(const uint8_t *, int, int, struct cr_cell *, int, int,
	     struct cr_fit *);
/* The xterm 256-colour index closest to a colour (cube or grey ramp). */
int	 cr_256(uint32_t);
/* The closest of the 16 ANSI colours (VGA's palette, in ANSI order). */
int	 cr_16(uint32_t);
/* The colour of an xterm 256-colour index (16 to 255). */
uint32_t cr_256_rgb(int);

#endif
