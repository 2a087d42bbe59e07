import { hashPassword, insertAccount } from '../auth/accounts';
import type { Db } from '../db';
import { seedDemoAgreements } from './agreements';
import { seedDemoCases } from './cases';
import { seedDemoContacts } from './contacts';
import { seedDemoIdeas } from './ideas';
import { seedDemoTeams } from './teams';
import { insertOrganisation } from '../organisations';

/**
 * The demo organisation, seeded on an empty database when KOERS_DEMO is not 0. Later
 * features add their own demo content here. The passwords are public: a demo only.
 */
export const DEMO_PASSWORD = 'koers-demo-2026';

const departments = [
	{ name: 'KCC', kind: 'contact_centre' },
	{ name: 'Afvalinzameling', kind: 'back_office' },
	{ name: 'Wijkbeheer', kind: 'back_office' },
	{ name: 'Vergunningen', kind: 'specialist' }
] as const;

const people = [
	{ name: 'Coco Coach', email: 'coach@voorbeeld.nl', role: 'coach', department: 'Wijkbeheer' },
	{ name: 'Kim de Vries', email: 'kim@voorbeeld.nl', role: 'staff', department: 'KCC' },
	{ name: 'Sam Bakker', email: 'sam@voorbeeld.nl', role: 'staff', department: 'Afvalinzameling' },
	{ name: 'Noor Jansen', email: 'noor@voorbeeld.nl', role: 'staff', department: 'Wijkbeheer' },
	{ name: 'Ravi Peters', email: 'ravi@voorbeeld.nl', role: 'staff', department: 'Vergunningen' }
] as const;

export async function seedDemo(db: Db, pseudonymSecret: string) {
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	return db.asService(async (tx) => {
		await tx.query('select pg_advisory_xact_lock(20261124)');
		const [row] = await tx.query<{ n: number }>('select count(*) as n from public.organisation');
		if (row.n > 0) return null;
		const admin = { email: 'admin@voorbeeld.nl', role: 'admin' };
		const { orgId } = await insertOrganisation(tx, {
			orgName: 'Gemeente Voorbeeld',
			name: 'Ada Admin',
			email: admin.email,
			passwordHash
		});
		const deptIds = new Map<string, string>();
		for (const d of departments) {
			const [dept] = await tx.query<{ id: string }>(
				'insert into public.department (org_id, name, kind) values ($1, $2, $3) returning id',
				[orgId, d.name, d.kind]
			);
			deptIds.set(d.name, dept.id);
		}
		await tx.query(`update public.person set department_id = $1 where org_id = $2`, [
			deptIds.get('KCC'),
			orgId
		]);
		for (const p of people) {
			const userId = await insertAccount(tx, p.email, passwordHash);
			await tx.query(
				`insert into public.person (org_id, user_id, name, email, role, department_id)
				 values ($1, $2, $3, $4, $5, $6)`,
				[orgId, userId, p.name, p.email, p.role, deptIds.get(p.department)]
			);
		}
		await seedDemoCases(tx, orgId, pseudonymSecret);
		await seedDemoTeams(tx, orgId);
		await seedDemoIdeas(tx, orgId);
		await seedDemoContacts(tx, orgId);
		await seedDemoAgreements(tx, orgId);
		return [admin, ...people].map((p) => ({ ...p, password: DEMO_PASSWORD }));
	});
}
