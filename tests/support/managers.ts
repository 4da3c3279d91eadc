import type { Services } from '../../services/context';
import type { Person } from '../../domain/model';
import { TENANT } from './botHarness';

export const managerId = (i: number) => `6f1c2a10-9000-4c1e-9a51-${String(i).padStart(12, '0')}`;
export const managerChat = (i: number) => `a:mgr-${i}`;

/**
 * N managers, each with one report, and a personal chat with the bot for each manager, as if each
 * had installed the app. The digest fan-out tests send one digest to each.
 */
export async function seedManagers(s: Services, n: number, serviceUrl: string): Promise<void> {
  const people: Person[] = [];
  for (let i = 1; i <= n; i++) {
    people.push({ role: `Manager ${i}`, name: `Manager ${i}`, email: `manager${i}@example.org`, aadObjectId: managerId(i) });
    people.push({ role: `Report ${i}`, name: `Report ${i}`, email: `report${i}@example.org`, aadObjectId: managerId(100_000 + i), managerRole: `Manager ${i}` });
  }
  await s.directory.upsertPeople(people);
  for (let i = 1; i <= n; i++) {
    await s.conversations.save('user', managerId(i), {
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: managerChat(i), conversationType: 'personal', tenantId: TENANT, isGroup: false, name: '' },
      bot: { id: '28:bot-id', name: 'Improvement Plan' },
      user: { id: `29:mgr-${i}`, name: `Manager ${i}` },
    });
  }
}
