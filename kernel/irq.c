/* Interrupt lines as messages: a line is bound to an endpoint capability
 * and a badge. When it fires the badge is delivered (or kept pending on
 * the endpoint); an IOAPIC line is masked meanwhile, and the driver's
 * irq_ack unmasks it. MSI vectors are edge-triggered: nothing to mask. */
#include "irq.h"

#include <stddef.h>

#include <kestrel/error.h>

#include "arch/x86_64/ioapic.h"
#include "endpoint.h"

struct irq_line {
	struct cap il_ep; /* CAP_EMPTY: unbound */
	uint64_t il_badge;
};

static struct irq_line lines[IRQ_ALL];
static uint32_t nlines;

void irq_init(void)
{
	nlines = ioapic_init();
	if (nlines > IRQ_LINES)
		nlines = IRQ_LINES;
}

uint32_t irq_line_count(void)
{
	return nlines;
}

bool irq_line_exists(uint64_t line)
{
	return line < nlines || (line >= IRQ_MSI_FIRST && line < IRQ_ALL);
}

static void set_masked(uint32_t line, bool masked)
{
	if (line < nlines)
		ioapic_set_masked(line, masked);
}

int irq_bind(uint32_t line, const struct cap *ep, uint64_t badge)
{
	const struct cap *old;

	if (!irq_line_exists(line))
		return E_BAD_ARG;
	/* One driver a line: while it is bound to a live endpoint, only that
	 * endpoint (its receiver: a restarted driver, say) rebinds or unbinds
	 * it; another would take it from the first. */
	old = &lines[line].il_ep;
	if (old->c_type == CAP_ENDPOINT && cap_is_live(old) && (!ep || old->c_obj != ep->c_obj))
		return E_EXISTS;
	set_masked(line, true);
	if (!ep || badge == 0) {
		lines[line].il_ep = (struct cap){ 0 };
		return E_OK;
	}
	lines[line].il_ep = *ep;
	lines[line].il_badge = badge;
	set_masked(line, false);
	return E_OK;
}

int irq_ack(uint32_t line)
{
	if (!irq_line_exists(line) || lines[line].il_ep.c_type != CAP_ENDPOINT)
		return E_BAD_STATE;
	set_masked(line, false);
	return E_OK;
}

void irq_fire(uint32_t line)
{
	struct irq_line *l = &lines[line];

	set_masked(line, true);
	if (l->il_ep.c_type == CAP_ENDPOINT && cap_is_live(&l->il_ep))
		ipc_notify(&endpoints[l->il_ep.c_obj], l->il_badge);
}

void irq_unbind_endpoint(uint32_t ep)
{
	for (uint32_t i = 0; i < IRQ_ALL; i++)
		if (lines[i].il_ep.c_type == CAP_ENDPOINT && lines[i].il_ep.c_obj == ep)
			irq_bind(i, NULL, 0);
}
