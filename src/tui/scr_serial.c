/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's serial console as a terminal inside the desktop: the serial
 * stream runs through libvterm and its cells are drawn by ncurses, with
 * scrollback seeded from serial.log; keys go to the guest.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vterm.h>

#include "backend/serial.h"
#include "backend/vmproc.h"
#include "render/cellrender.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/screens.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

/* What serial.log gives the scrollback before the live stream. */
#define SER_SEED	(64 * 1024)
/* Lines kept above the screen. */
#define SER_LINES	5000
/* A closed serial port is tried again this often (the VM may restart). */
#define SER_RETRY_MS	1000

/* One character cell, as drawn. */
struct ser_cell {
	uint32_t	ch;
	short		fg, bg;		/* colour index, -1 default */
	unsigned char	attr;		/* SER_* */
	unsigned char	width;		/* 0: a wide one's right half */
};
#define SER_BOLD	0x1
#define SER_UNDERLINE	0x2
#define SER_REVERSE	0x4

struct ser_line {
	int		 cols;
	struct ser_cell	*cells;
};

struct ser {
	char		*name;
	char		*sock_path;
	int		 fd;		/* -1 while disconnected */
	VTerm		*vt;
	VTermScreen	*vs;
	int		 cols, rows;	/* of the terminal libvterm keeps */
	int		 oy, ox;	/* where its top left cell is drawn */
	struct embed	*em;		/* in a pane, else NULL: full screen */
	struct ser_line	 lines[SER_LINES];	/* the scrollback */
	int		 first, nlines;
	int		 back;		/* lines scrolled back */
	int		 colors;	/* the app's: 0, 8, 256 */
	char		*error;
	uint64_t	 retry_at;
};

/* ---- The terminal ------------------------------------------------------- */

static short
ser_colour(struct ser *s, const VTermColor *c, int fg)
{
	if (fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c))
		return (-1);
	if (VTERM_COLOR_IS_INDEXED(c)) {
		if (s->colors < 256 && c->indexed.idx >= 8)
			return (c->indexed.idx < 16 ?
			    (short)(c->indexed.idx - 8) : -1);
		return ((short)c->indexed.idx);
	}
	if (s->colors < 256)
		return ((short)(cr_16((uint32_t)c->rgb.red << 16 |
		    (uint32_t)c->rgb.green << 8 | c->rgb.blue) & 7));
	return ((short)cr_256((uint32_t)c->rgb.red << 16 |
	    (uint32_t)c->rgb.green << 8 | c->rgb.blue));
}

static void
ser_cell_from(struct ser *s, const VTermScreenCell *vc, struct ser_cell *c)
{
	c->ch = vc->chars[0] != 0 ? vc->chars[0] : ' ';
	c->width = (unsigned char)vc->width;
	/* The right half of a wide character: drawn with its left half. */
	if (vc->chars[0] == (uint32_t)-1)
		c->width = 0;
	c->fg = ser_colour(s, &vc->fg, 1);
	c->bg = ser_colour(s, &vc->bg, 0);
	c->attr = (vc->attrs.bold ? SER_BOLD : 0) |
	    (vc->attrs.underline ? SER_UNDERLINE : 0) |
	    (vc->attrs.reverse ? SER_REVERSE : 0);
}

/* A line leaves the top of the screen: into the ring. */
static int
ser_pushline(int cols, const VTermScreenCell *cells, void *arg)
{
	struct ser	*s = arg;
	struct ser_line	*l;
	int		 i;

	if (s->nlines < SER_LINES)
		l = &s->lines[(s->first + s->nlines++) % SER_LINES];
	else {
		l = &s->lines[s->first];
		s->first = (s->first + 1) % SER_LINES;
		free(l->cells);
	}
	/* Trailing blanks take no room. */
	while (cols > 0 && cells[cols - 1].chars[0] == 0 &&
	    VTERM_COLOR_IS_DEFAULT_BG(&cells[cols - 1].bg))
		cols--;
	l->cols = cols;
	l->cells = xreallocarray(NULL, cols > 0 ? (size_t)cols : 1,
	    sizeof *l->cells);
	for (i = 0; i < cols; i++)
		ser_cell_from(s, &cells[i], &l->cells[i]);
	/* The view stays on what it shows while new lines come. */
	if (s->back > 0 && s->back < s->nlines)
		s->back++;
	return (1);
}

static const VTermScreenCallbacks ser_vterm_cbs = {
	.sb_pushline = ser_pushline,
};

/* What the guest's terminal answers (cursor reports) and our keys. */
static void
ser_output(const char *buf, size_t len, void *arg)
{
	struct ser	*s = arg;

	if (s->fd != -1 && serial_write_all(s->fd, buf, len) != 0)
		log_debug("serial %s: write: %s", s->name, strerror(errno));
}

static void
ser_feed(struct ser *s, const char *buf, size_t len)
{
	vterm_input_write(s->vt, buf, len);
}

static void
ser_connect(struct app *app, struct ser *s)
{
	char	*cause = NULL;

	s->fd = serial_connect(s->sock_path, &cause);
	free(s->error);
	s->error = NULL;
	if (s->fd == -1) {
		s->error = cause;
		s->retry_at = time_mono_ms() + SER_RETRY_MS;
	}
	app->dirty = 1;
}

/* ---- The screen --------------------------------------------------------- */

static int
ser_fd(struct screen *sc)
{
	return (((struct ser *)sc->data)->fd);
}

static int
ser_wait_ms(struct screen *sc)
{
	struct ser	*s = sc->data;
	uint64_t	 now = time_mono_ms();

	if (s->fd != -1 || s->sock_path == NULL)
		return (-1);
	return (s->retry_at > now ? (int)(s->retry_at - now) : 0);
}

static void
ser_ready(struct app *app, struct screen *sc, int revents)
{
	struct ser	*s = sc->data;
	char		 buf[16384];
	ssize_t		 n;
	int		 i;

	if (s->fd == -1) {
		if (s->sock_path != NULL && time_mono_ms() >= s->retry_at)
			ser_connect(app, s);
		return;
	}
	if ((revents & (POLLIN|POLLHUP|POLLERR)) == 0)
		return;
	/* A flood of output must not starve the keyboard: a few reads. */
	for (i = 0; i < 8; i++) {
		n = read(s->fd, buf, sizeof buf);
		if (n > 0) {
			ser_feed(s, buf, (size_t)n);
			app->dirty = 1;
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			break;
		close(s->fd);
		s->fd = -1;
		free(s->error);
		s->error = xstrdup("the serial port closed: the VM stopped");
		s->retry_at = time_mono_ms() + SER_RETRY_MS;
		app->dirty = 1;
		break;
	}
}

static void
ser_drawn(struct app *app, struct screen *sc)
{
}

static attr_t
ser_attr(struct ser *s, const struct ser_cell *c, short *pair)
{
	attr_t	a = 0;
	int	p;

	if (c->attr & SER_BOLD)
		a |= A_BOLD;
	if (c->attr & SER_UNDERLINE)
		a |= A_UNDERLINE;
	if (c->attr & SER_REVERSE)
		a |= A_REVERSE;
	*pair = 0;
	if (s->colors > 0 && (c->fg != -1 || c->bg != -1)) {
		p = alloc_pair(c->fg, c->bg);
		if (p > 0 && p < 32768)
			*pair = (short)p;
	}
	return (a);
}

static void
ser_put(struct app *app, struct ser *s, int y, int x,
    const struct ser_cell *c)
{
	cchar_t	cc;
	wchar_t	wc[2];
	short	pair;
	attr_t	a;

	if (c->width == 0)
		return;
	a = ser_attr(s, c, &pair);
	wc[0] = (wchar_t)c->ch;
	if (wc[0] < 32 || (!app->utf8 && wc[0] >= 0x80))
		wc[0] = wc[0] < 32 ? ' ' : '?';
	wc[1] = 0;
	if (setcchar(&cc, wc, a, pair, NULL) == OK)
		mvadd_wch(y, x, &cc);
}

/*
 * Our rectangle: full screen, the terminal with our line on its last row;
 * in a pane, what the pane gives, our line on its first.
 */
static void
ser_place(struct ser *s, int *rows, int *cols, int *line_y)
{
	if (s->em == NULL) {
		s->oy = s->ox = 0;
		*rows = LINES - 1;
		*cols = COLS;
		*line_y = LINES - 1;
	} else {
		s->oy = s->em->y + 1;
		s->ox = s->em->x;
		*rows = s->em->h - 1;
		*cols = s->em->w;
		*line_y = s->em->y;
	}
	if (*rows < 1)
		*rows = 1;
	if (*cols < 1)
		*cols = 1;
}

static void
ser_draw(struct app *app, struct screen *sc)
{
	struct ser	*s = sc->data;
	VTermScreenCell	 vc;
	VTermPos	 pos;
	VTermState	*state;
	struct ser_line	*l;
	struct ser_cell	 c;
	const struct tui_key *k;
	char		*line;
	int		 rows, cols, line_y, y, x, src, focused;

	ser_place(s, &rows, &cols, &line_y);
	focused = app->stack[app->depth - 1] == (s->em != NULL ?
	    s->em->host : sc) && (s->em == NULL || s->em->focused);
	if (cols != s->cols || rows != s->rows) {
		s->cols = cols;
		s->rows = rows;
		vterm_set_size(s->vt, rows, cols);
	}
	if (s->back > s->nlines)
		s->back = s->nlines;
	for (y = 0; y < s->rows; y++) {
		src = y - s->back;	/* < 0: a scrollback line */
		if (src < 0) {
			l = &s->lines[(s->first + s->nlines + src) %
			    SER_LINES];
			for (x = 0; x < l->cols && x < s->cols; x++)
				ser_put(app, s, s->oy + y, s->ox + x,
				    &l->cells[x]);
			continue;
		}
		for (x = 0; x < s->cols; x++) {
			pos.row = src;
			pos.col = x;
			if (!vterm_screen_get_cell(s->vs, pos, &vc))
				continue;
			ser_cell_from(s, &vc, &c);
			ser_put(app, s, s->oy + y, s->ox + x, &c);
		}
	}
	k = keys_for(ACT_PANE_FOCUS, KEYS_MAIN);
	if (s->em != NULL && !s->em->focused)
		line = xasprintf("%s's serial console%s%s  %s types here",
		    s->name, s->error != NULL ? ": " : "", s->error != NULL ?
		    s->error : "", k != NULL ? k->name : "");
	else if (s->em != NULL)
		line = xasprintf("%s's serial console%s%s  Ctrl-] back to the "
		    "list", s->name, s->error != NULL ? ": " : "",
		    s->error != NULL ? s->error : "");
	else if (s->error != NULL)
		line = xasprintf("%s: %s  Ctrl-] leaves", s->name, s->error);
	else if (s->back > 0)
		line = xasprintf("%s's serial console  scrolled back %d of %d "
		    "lines  PgDn/Shift-PgDn down  Ctrl-] leaves", s->name,
		    s->back, s->nlines);
	else
		line = xasprintf("attached to %s's serial console  Ctrl-] "
		    "leaves  PgUp/Shift-PgUp scroll back", s->name);
	/* A pane's title is highlighted while its keys go to the guest. */
	attrset(draw_attr(s->em == NULL || focused ? ROLE_TITLE : ROLE_DIM));
	mvhline(line_y, s->ox, ' ', cols);
	draw_text(line_y, s->ox + 1, cols - 2, line);
	attrset(A_NORMAL);
	free(line);
	state = vterm_obtain_state(s->vt);
	vterm_state_get_cursorpos(state, &pos);
	if (s->back == 0 && focused && pos.row < s->rows &&
	    pos.col < s->cols) {
		move(s->oy + pos.row, s->ox + pos.col);
		curs_set(1);
	} else
		curs_set(0);
}

/* Keys with a terminal sequence of their own, by libvterm's names. */
static const struct {
	int	key;
	VTermKey vkey;
} ser_keys[] = {
	{ KEY_UP, VTERM_KEY_UP }, { KEY_DOWN, VTERM_KEY_DOWN },
	{ KEY_LEFT, VTERM_KEY_LEFT }, { KEY_RIGHT, VTERM_KEY_RIGHT },
	{ KEY_HOME, VTERM_KEY_HOME }, { KEY_END, VTERM_KEY_END },
	{ KEY_IC, VTERM_KEY_INS }, { KEY_DC, VTERM_KEY_DEL },
	{ KEY_BACKSPACE, VTERM_KEY_BACKSPACE }, { KEY_ENTER, VTERM_KEY_ENTER },
	{ KEY_BTAB, VTERM_KEY_TAB },
};

static void
ser_scroll(struct ser *s, int by)
{
	s->back += by;
	if (s->back > s->nlines)
		s->back = s->nlines;
	if (s->back < 0)
		s->back = 0;
}

static int
ser_key(struct app *app, struct screen *sc, int key)
{
	struct ser	*s = sc->data;
	MEVENT		 ev;
	char		 ch;
	size_t		 i;
	int		 page = s->rows > 2 ? s->rows - 2 : 1;

	switch (keys_lookup(key, KEYS_SERIAL)) {
	case ACT_CLOSE:
		/* In a pane: back to the list, which the pane sees next. */
		if (s->em != NULL) {
			s->em->left = 1;
			return (1);
		}
		app_pop(app);
		if (app->view_only)
			app->quit = 1;
		return (1);
	case ACT_PAGE_UP:
		ser_scroll(s, page);
		return (1);
	case ACT_PAGE_DOWN:
		ser_scroll(s, -page);
		return (1);
	default:
		break;
	}
	if (key == KEY_MOUSE) {
		if (getmouse(&ev) == OK && (ev.bstate & BUTTON4_PRESSED))
			ser_scroll(s, 3);
		else if (ev.bstate & BUTTON5_PRESSED)
			ser_scroll(s, -3);
		return (1);
	}
	/* Typing goes back to the live screen. */
	s->back = 0;
	if (key >= KEY_F(1) && key <= KEY_F(12)) {
		vterm_keyboard_key(s->vt, VTERM_KEY_FUNCTION(key - KEY_F(0)),
		    VTERM_MOD_NONE);
		return (1);
	}
	for (i = 0; i < sizeof ser_keys / sizeof ser_keys[0]; i++) {
		if (ser_keys[i].key == key) {
			vterm_keyboard_key(s->vt, ser_keys[i].vkey,
			    key == KEY_BTAB ? VTERM_MOD_SHIFT : VTERM_MOD_NONE);
			return (1);
		}
	}
	if (key < 0 || key > 0xff)
		return (0);
	/* Bytes as the terminal sent them: UTF-8 passes through whole. */
	ch = (char)key;
	ser_output(&ch, 1, s);
	return (1);
}

static void
ser_free(struct screen *sc)
{
	struct ser	*s = sc->data;
	int		 i;

	if (s->fd != -1)
		close(s->fd);
	vterm_free(s->vt);
	for (i = 0; i < s->nlines; i++)
		free(s->lines[(s->first + i) % SER_LINES].cells);
	free(s->error);
	free(s->sock_path);
	free(s->name);
	free(s);
	curs_set(0);
}

static const struct screen_ops ser_ops = {
	"serial", KEYS_SERIAL, 1, ser_draw, ser_key, ser_free
};

static const struct screen_io ser_io = {
	ser_fd, ser_wait_ms, ser_ready, ser_drawn
};

static struct screen *
ser_create(struct app *app, const char *name, struct embed *em)
{
	struct screen	*sc;
	struct app_vm	*vm;
	struct ser	*s;
	char		*tail, *cause = NULL;
	size_t		 len;
	int		 line_y;

	s = xcalloc(1, sizeof *s);
	s->name = xstrdup(name);
	s->fd = -1;
	s->colors = app->colors;
	s->em = em;
	/* The log is replayed at the size it will be drawn at. */
	ser_place(s, &s->rows, &s->cols, &line_y);
	s->vt = vterm_new(s->rows, s->cols);
	vterm_set_utf8(s->vt, 1);
	vterm_output_set_callback(s->vt, ser_output, s);
	s->vs = vterm_obtain_screen(s->vt);
	vterm_screen_set_callbacks(s->vs, &ser_vterm_cbs, s);
	vterm_screen_reset(s->vs, 1);
	vm = app_vm_find(app, name);
	if (vm == NULL || vm->paths.serial == NULL) {
		s->error = xstrdup("no such VM");
		goto out;
	}
	/* What the guest printed before we came, then the live stream. */
	tail = serial_log_tail(vm->paths.serial_log, SER_SEED, &len, &cause);
	if (tail != NULL) {
		ser_feed(s, tail, len);
		free(tail);
	} else {
		log_debug("serial %s: %s", name, cause);
		free(cause);
	}
	s->sock_path = xstrdup(vm->paths.serial);
	ser_connect(app, s);
out:
	sc = app_screen(&ser_ops, s);
	sc->io = &ser_io;
	return (sc);
}

struct screen *
screen_serial(struct app *app, const char *name)
{
	return (ser_create(app, name, NULL));
}

struct screen *
screen_serial_pane(struct app *app, const char *name, struct embed *em)
{
	return (ser_create(app, name, em));
}
