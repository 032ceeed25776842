/**
 * Issue 25, item 2: the feature list (src/features.ts) is the one registration point of tasks.
 * Every task of src/jobs/jobs.ts (queued jobs and cron tasks) has exactly one handler among the
 * features' descriptors, no feature hands the runner a task that is not declared there, and every
 * cron entry names a task with a handler.
 */
import { describe, expect, test } from 'vitest';
import { FEATURES } from '../../../src/features.js';
import type { Services } from '../../../src/services.js';
import { CRONTAB, TASK_NAMES, taskList } from '../../../src/tasks.js';

// The descriptors' `tasks` only capture services for later; nothing is called while building them.
const services = {} as Services;

function handlersByFeature(): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const f of FEATURES)
    for (const name of Object.keys(f.tasks?.(services) ?? {})) by.set(name, [...(by.get(name) ?? []), f.name]);
  return by;
}

describe('the feature list and the declared tasks', () => {
  test('every task declared in src/jobs/jobs.ts has exactly one handler in the feature list', () => {
    const by = handlersByFeature();
    expect(
      TASK_NAMES.filter((n) => !by.has(n)),
      'tasks without a handler',
    ).toEqual([]);
    expect(
      [...by].filter(([, fs]) => fs.length > 1),
      'tasks with two handlers',
    ).toEqual([]);
  });

  test('every handler in the feature list is a declared task', () => {
    expect(
      [...handlersByFeature().keys()].filter((n) => !(TASK_NAMES as readonly string[]).includes(n)),
      'handlers of undeclared tasks',
    ).toEqual([]);
  });

  test('every cron entry names a task with a handler, and the runner gets them all', () => {
    const tasks = taskList(services);
    const cronTasks = FEATURES.flatMap((f) => f.cron ?? []).map((e) => e.task);
    expect(
      cronTasks.filter((t) => !tasks[t]),
      'cron entries without a handler',
    ).toEqual([]);
    expect(CRONTAB.split('\n')).toHaveLength(cronTasks.length);
  });

  test("feature names are unique words, each naming its feature in these checks' messages", () => {
    const names = FEATURES.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => !/^[a-z][a-z-]*$/.test(n))).toEqual([]);
  });
});
