import type { FeatureDescriptor } from '../feature.js';
import type { Services } from '../services.js';
import { eraseQuestionsOf, forgetColleague } from './questions.repository.js';
import { COLLEAGUE_RETENTION_CRONTAB_ENTRY, directoryTasks } from './colleagues.tasks.js';
import { eraseColleague } from './directory.repository.js';
import { directoryRoutes } from './directory.routes.js';
import { answerLinkRoutes } from './answer-link.routes.js';
import { questionTasks } from './questions.tasks.js';

/**
 * Colleagues outside the desk (issue 26): the directory managers keep, the questions officers ask
 * them about an enquiry, and the answers that come back by link, text or email.
 */
export const colleaguesFeature: FeatureDescriptor<Services> = {
  name: 'colleagues',
  deskPages: [
    {
      managerOnly: ['/colleagues'],
      nav: { href: '/desk/colleagues', label: 'Colleagues', rank: 35 },
      build: (s) => directoryRoutes(s),
    },
  ],
  routes: [
    {
      area: 'link',
      mount: '/',
      bodies: { public: ['/q/*'] },
      build: (s) => answerLinkRoutes({ questions: s.questions, config: s.config, pool: s.pool, log: s.log }),
    },
  ],
  // The directory's retention (colleagues deactivated longer than `retention.monthsAfterClose`
  // ago), and each question's due time.
  tasks: (s) => ({ ...directoryTasks(s.colleagues), ...questionTasks(s) }),
  cron: [COLLEAGUE_RETENTION_CRONTAB_ENTRY],
  personal: {
    // Erased on request from the desk and by the directory's retention task (colleagues.tasks.ts).
    colleague: { columns: ['name', 'mobile', 'email'], erasedBy: [eraseColleague] },
    colleague_question: { columns: ['text'], erasedBy: [eraseQuestionsOf] },
    question_recipient: { columns: ['name', 'address'], erasedBy: [eraseQuestionsOf, forgetColleague] },
    question_answer: { columns: ['text'], erasedBy: [eraseQuestionsOf] },
  },
};
