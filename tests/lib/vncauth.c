/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A real VNC client for tests/integration/vnctcp.sh: connect to
 * HOST:PORT with libvncclient, answer VNC authentication (DES) with
 * PASSWORD, and exit 0 once the server's init message arrived (in), 1
 * when the server refused, 2 on a usage error. Prints "in WxH" or
 * "refused".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rfb/rfbclient.h>

static const char	*vncauth_password;
static int		 vncauth_asked;

/* libvncclient frees what GetPassword returns. */
static char *
vncauth_get_password(rfbClient *cl)
{
	(void)cl;
	vncauth_asked++;
	return (strdup(vncauth_password));
}

int
main(int argc, char **argv)
{
	rfbClient	*cl;
	char		*cargv[] = { (char *)"vncauth", NULL };
	int		 cargc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: vncauth HOST PORT PASSWORD\n");
		return (2);
	}
	vncauth_password = argv[3];
	if ((cl = rfbGetClient(8, 3, 4)) == NULL)
		return (2);
	cl->GetPassword = vncauth_get_password;
	free(cl->serverHost);
	cl->serverHost = strdup(argv[1]);
	cl->serverPort = atoi(argv[2]);
	if (!rfbInitClient(cl, &cargc, cargv)) {
		/* rfbInitClient freed the client. */
		printf("refused%s\n", vncauth_asked ? "" :
		    " (no password was asked)");
		return (1);
	}
	printf("in %dx%d%s\n", cl->width, cl->height, vncauth_asked ?
	    ", password asked" : ", NO password asked");
	/* The library's own framebuffer is the one thing it leaves. */
	free(cl->frameBuffer);
	cl->frameBuffer = NULL;
	rfbClientCleanup(cl);
	return (vncauth_asked ? 0 : 3);
}
