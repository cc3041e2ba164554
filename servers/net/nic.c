/* The NIC client (nic.h): a stub until the NIC protocol exists. It will
 * look up the driver's service, attach the shared frame buffers, and
 * turn the driver's "frames arrived" signals into nic_poll's frames. */
#include "nic.h"

#include <kestrel/error.h>

long nic_open(struct nic_info *info)
{
	(void)info;
	return E_NOT_FOUND;
}

long nic_send(const void *frame, size_t len)
{
	(void)frame;
	(void)len;
	return E_NOT_FOUND;
}

void nic_poll(void (*fn)(void *arg, const void *frame, size_t len), void *arg)
{
	(void)fn;
	(void)arg;
}
