import type { Task } from 'graphile-worker';
import { typedTask } from '../jobs/jobs.js';
import type { QuestionService } from './questions.service.js';

/**
 * A question's due time (`question_due`): reminds whoever has not answered and warns the desk,
 * once (src/colleagues/questions.service.ts `due`, idempotent).
 */
export function questionTasks(deps: { questions: QuestionService }): { question_due: Task } {
  return {
    question_due: typedTask('question_due', async ({ questionId }) => {
      await deps.questions.due(questionId);
    }),
  };
}
