import { m } from '$lib/paraglide/messages';
import type { ErrorTexts } from '$lib/i18n/errors';
import type { AgreementUnit } from '$lib/schemas/agreements';
import { number } from '$lib/format';

export const agreementErrors: ErrorTexts = {
	agreement_overlap: m.agreements_err_overlap,
	agreement_same_department: m.agreements_err_same_department
};

export const unitLabel = (unit: AgreementUnit) =>
	unit === 'hours' ? m.agreements_unit_hours() : m.agreements_unit_working_days();

/** "binnen 1 werkdag", "binnen 4 uur". */
export function limitText(limit: number, unit: AgreementUnit): string {
	const count = number(limit, Number.isInteger(limit) ? 0 : 1);
	if (unit === 'hours') return m.agreements_within_hours({ count });
	return limit === 1 ? m.agreements_within_day() : m.agreements_within_days({ count });
}
