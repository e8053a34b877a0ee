/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The signals that ask a long command to stop: caught, remembered, restored. */
#include "config.h"

#include "util/cancel.h"

#include <string.h>

static volatile sig_atomic_t	cancel_caught;

static const int cancel_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void
cancel_handler(int sig)
{
	cancel_caught = sig;
}

void
cancel_catch(struct cancel *c, int flags)
{
	struct sigaction	sa;
	int			i;

	memset(c, 0, sizeof *c);
	c->flags = flags;
	cancel_caught = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cancel_handler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++) {
		if (flags & (1 << i))
			sigaction(cancel_signals[i], &sa, &c->old[i]);
	}
}

void
cancel_release(struct cancel *c)
{
	int	i;

	for (i = 0; i < 3; i++) {
		if (c->flags & (1 << i))
			sigaction(cancel_signals[i], &c->old[i], NULL);
	}
	c->flags = 0;
}

int
cancel_signal(void)
{
	return (cancel_caught);
}

volatile sig_atomic_t *
cancel_flag(void)
{
	return (&cancel_caught);
}
