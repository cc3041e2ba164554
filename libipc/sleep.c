/* Sleeping on a private endpoint (see sleep.h). */
#include "sleep.h"

#include <kestrel/cap.h>
#include <kestrel/error.h>

#include "ipc.h"
#include "slots.h"
#include "syscalls.h"

static uint64_t sleep_ep; /* CAP_NULL until the first call */

long sleep_ms(uint64_t pool, uint64_t ms)
{
	uint64_t ep = __atomic_load_n(&sleep_ep, __ATOMIC_ACQUIRE), none = CAP_NULL;
	struct msg m;
	long e;

	if (ep == CAP_NULL) {
		ep = slot_alloc();
		if (ep == CAP_NULL)
			return E_LIMIT;
		e = sys_endpoint_create(pool, ep);
		if (e != E_OK) {
			slot_free(ep);
			return e;
		}
		/* Two threads may race to make it: the loser uses the winner's. */
		if (!__atomic_compare_exchange_n(&sleep_ep, &none, ep, false, __ATOMIC_ACQ_REL,
		                                 __ATOMIC_ACQUIRE)) {
			sys_cap_delete(ep);
			slot_free(ep);
			ep = none;
		}
	}
	if (ms)
		ipc_recv(ep, ms, &m);
	return E_OK;
}
