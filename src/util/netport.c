/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP and UDP ports on 127.0.0.1: one that is free, whether one is. */
#include "config.h"

#include "util/netport.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "util/xmalloc.h"

/*
 * A socket bound to 127.0.0.1:port (0: the kernel chooses), or -1.
 * SO_REUSEADDR as QEMU's slirp sets it for a host forward, so a port
 * left in TIME_WAIT counts as free and only a real holder as taken.
 */
static int
netport_bind(int port, int udp, struct sockaddr_in *sin)
{
	int	fd, on = 1;

	fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM)|SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		return (-1);
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin->sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)sin, sizeof *sin) != 0) {
		close(fd);
		return (-1);
	}
	return (fd);
}

int
netport_free(char **cause)
{
	return (netport_free_proto(0, cause));
}

int
netport_free_proto(int udp, char **cause)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, port = -1;

	if ((fd = netport_bind(0, udp, &sin)) != -1 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	else
		*cause = xasprintf("no free %s port on 127.0.0.1: %s",
		    udp ? "UDP" : "TCP", strerror(errno));
	if (fd != -1)
		close(fd);
	return (port);
}

int
netport_is_free(int port, int udp)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = netport_bind(port, udp, &sin)) == -1)
		return (errno != EADDRINUSE);
	close(fd);
	return (1);
}
