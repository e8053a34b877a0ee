/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pixels to terminal cells: each cell is an upper half block whose
 * foreground is the top pixel and background the bottom one, each the
 * average of the source area it covers; the picture keeps its aspect and
 * is centred in the cells. Pure: no I/O.
 */
#ifndef VMDESK_BACKEND_CELLRENDER_H
#define VMDESK_BACKEND_CELLRENDER_H

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

/*
 * Render a frame (4 bytes a pixel, R, G, B, x; w by h) into cols by rows
 * cells. Cells outside the picture become black spaces. Fills *fit (may
 * be NULL).
 */
void	 cr_render(const uint8_t *, int, int, struct cr_cell *, int, int,
	     struct cr_fit *);
/*
 * The source pixel at the centre of cell cx, cy of a picture rendered w
 * by h pixels with *fit: 1 and *px, *py, or 0 for a cell outside it.
 */
int	 cr_cell_pixel(const struct cr_fit *, int, int, int, int, int *,
	     int *);
/* The xterm 256-colour index closest to a colour (cube or grey ramp). */
int	 cr_256(uint32_t);
/* The closest of the 16 ANSI colours (VGA's palette, in ANSI order). */
int	 cr_16(uint32_t);
/* The colour of an xterm 256-colour index (16 to 255). */
uint32_t cr_256_rgb(int);

#endif
