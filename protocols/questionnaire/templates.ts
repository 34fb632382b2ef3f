/**
 * Ready-made questionnaires, in French and English, on the report's three levels. Each language version of a
 * template has the same `id` and the same question ids, so results can be compared across languages. The
 * author edits a copy (`findTemplate` returns one).
 */
import type { Lang, Question } from './schema.ts'

export interface Template {
  id: string
  lang: Lang
  title: string
  intro: string
  questions: Question[]
}

const INTRO = {
  fr:
    'Vos réponses sont anonymes : elles me parviennent sans votre nom, et je ne vois que des résultats ' +
    'regroupés, une fois au moins trois réponses reçues. Répondez franchement ; vous pouvez passer une question.',
  en:
    'Your answers are anonymous: they reach me without your name, and I only see grouped results once at ' +
    'least three answers have come in. Please answer frankly; you may skip any question.'
}

const OFTEN = {
  fr: { low: 'Rarement', high: 'Très souvent' },
  en: { low: 'Rarely', high: 'Very often' }
}
const AGREE = {
  fr: { low: 'Pas du tout d’accord', high: 'Tout à fait d’accord' },
  en: { low: 'Strongly disagree', high: 'Strongly agree' }
}

const SOFT_SKILLS = [
  ['empathie', 'Empathie', 'Empathy'],
  ['reactivite', 'Réactivité', 'Responsiveness'],
  ['disponibilite', 'Disponibilité', 'Availability'],
  ['curiosite', 'Curiosité', 'Curiosity'],
  ['ecoute', 'Écoute', 'Listening'],
  ['adaptabilite', 'Adaptabilité', 'Adaptability'],
  ['communication', 'Communication', 'Communication']
] as const

const SOFT_SKILL_STATEMENTS: Record<(typeof SOFT_SKILLS)[number][0], { fr: string; en: string }> = {
  empathie: {
    fr: 'Je comprends ce que ressentent les autres et j’en tiens compte.',
    en: 'I understand how others feel and take it into account.'
  },
  reactivite: {
    fr: 'Je réagis vite quand une situation l’exige.',
    en: 'I respond quickly when a situation calls for it.'
  },
  disponibilite: {
    fr: 'Je suis disponible quand on a besoin de moi.',
    en: 'I am available when people need me.'
  },
  curiosite: {
    fr: 'Je m’intéresse à des sujets et à des personnes que je ne connais pas.',
    en: 'I take an interest in subjects and people I do not know yet.'
  },
  ecoute: {
    fr: 'J’écoute vraiment avant de répondre.',
    en: 'I really listen before I answer.'
  },
  adaptabilite: {
    fr: 'Je m’adapte aux changements et aux imprévus.',
    en: 'I adapt to change and to the unexpected.'
  },
  communication: {
    fr: 'Je m’exprime clairement, à l’oral comme à l’écrit.',
    en: 'I express myself clearly, in speech and in writing.'
  }
}

function savoirEtre(lang: Lang): Template {
  const fr = lang === 'fr'
  return {
    id: 'savoir-etre',
    lang,
    title: fr ? 'Mes savoir-être vus par mes proches' : 'How people see my soft skills',
    intro:
      (fr
        ? 'Je fais le point sur mes savoir-être : votre regard m’aide à les voir plus clairement. '
        : 'I am taking stock of my soft skills: the way you see me helps me see them more clearly. ') +
      INTRO[lang],
    questions: [
      ...SOFT_SKILLS.map(([id]): Question => ({
        id,
        level: 'savoir-etre',
        kind: 'scale',
        text: SOFT_SKILL_STATEMENTS[id][lang],
        ...OFTEN[lang]
      })),
      {
        id: 'points-forts',
        level: 'savoir-etre',
        kind: 'multiple',
        text: fr
          ? 'Lesquelles de ces qualités me décrivent le mieux ?'
          : 'Which of these qualities describe me best?',
        options: SOFT_SKILLS.map(([, f, e]) => (fr ? f : e))
      },
      {
        id: 'exemple',
        level: 'savoir-etre',
        kind: 'text',
        text: fr
          ? 'Racontez un moment où l’une de ces qualités vous a marqué chez moi.'
          : 'Tell me about a moment when one of these qualities struck you in me.'
      },
      {
        id: 'progres',
        level: 'savoir-etre',
        kind: 'text',
        text: fr ? 'Sur quoi pourrais-je progresser ?' : 'What could I get better at?'
      }
    ]
  }
}

function savoir(lang: Lang): Template {
  const fr = lang === 'fr'
  const scale = (id: string, f: string, e: string): Question => ({
    id,
    level: 'savoir',
    kind: 'scale',
    text: fr ? f : e,
    ...AGREE[lang]
  })
  return {
    id: 'savoir',
    lang,
    title: fr ? 'Mes connaissances vues par mes pairs' : 'My knowledge as my peers see it',
    intro:
      (fr
        ? 'Je cherche à savoir ce que mes collègues pensent de mes connaissances. '
        : 'I would like to know what my colleagues think of my knowledge. ') + INTRO[lang],
    questions: [
      scale(
        'maitrise',
        'Je maîtrise les connaissances de mon domaine.',
        'I have a good command of my field.'
      ),
      scale('a-jour', 'Je tiens mes connaissances à jour.', 'I keep my knowledge up to date.'),
      scale(
        'transmettre',
        'Je sais expliquer ce que je sais à d’autres.',
        'I can explain what I know to others.'
      ),
      scale(
        'etendue',
        'Mes connaissances vont au-delà de mon métier.',
        'My knowledge reaches beyond my job.'
      ),
      {
        id: 'recours',
        level: 'savoir',
        kind: 'single',
        text: fr
          ? 'Pour quel type de question viendriez-vous d’abord me voir ?'
          : 'What kind of question would you bring to me first?',
        options: fr
          ? ['Technique', 'Méthode et organisation', 'Réglementation et cadre', 'Culture du secteur', 'Autre']
          : [
              'Technical',
              'Methods and organisation',
              'Rules and regulations',
              'Knowledge of the sector',
              'Other'
            ]
      },
      {
        id: 'domaines',
        level: 'savoir',
        kind: 'text',
        text: fr
          ? 'Dans quels domaines me trouvez-vous le plus compétent ?'
          : 'In which areas do you find me most knowledgeable?'
      },
      {
        id: 'approfondir',
        level: 'savoir',
        kind: 'text',
        text: fr ? 'Quel sujet devrais-je approfondir ?' : 'Which subject should I study further?'
      }
    ]
  }
}

function savoirFaire(lang: Lang): Template {
  const fr = lang === 'fr'
  const scale = (id: string, f: string, e: string): Question => ({
    id,
    level: 'savoir-faire',
    kind: 'scale',
    text: fr ? f : e,
    ...(fr ? { low: 'Rarement', high: 'Toujours' } : { low: 'Rarely', high: 'Always' })
  })
  return {
    id: 'savoir-faire',
    lang,
    title: fr ? 'Mon savoir-faire en action' : 'My know-how in action',
    intro:
      (fr
        ? 'Vous m’avez vu travailler : dites-moi ce que je sais faire, et comment. '
        : 'You have seen me at work: tell me what I can do, and how I do it. ') + INTRO[lang],
    questions: [
      scale(
        'organisation',
        'J’organise mon travail et je tiens les délais.',
        'I organise my work and meet deadlines.'
      ),
      scale('qualite', 'Ce que je produis est de bonne qualité.', 'What I produce is of good quality.'),
      scale(
        'resolution',
        'Je trouve des solutions aux problèmes concrets.',
        'I find solutions to practical problems.'
      ),
      scale(
        'autonomie',
        'Je mène une tâche à bien sans qu’on ait à me guider.',
        'I see a task through without needing guidance.'
      ),
      scale('cooperation', 'Je travaille bien avec les autres.', 'I work well with others.'),
      {
        id: 'role',
        level: 'savoir-faire',
        kind: 'single',
        text: fr
          ? 'Sur un projet, à quel rôle me verriez-vous le mieux ?'
          : 'On a project, which role would suit me best?',
        options: fr
          ? [
              'Lancer les idées',
              'Organiser et coordonner',
              'Réaliser',
              'Vérifier et améliorer',
              'Faire le lien entre les personnes'
            ]
          : [
              'Coming up with ideas',
              'Organising and coordinating',
              'Doing the work',
              'Checking and improving',
              'Connecting people'
            ]
      },
      {
        id: 'vus',
        level: 'savoir-faire',
        kind: 'multiple',
        text: fr
          ? 'Quels savoir-faire m’avez-vous vu mettre en œuvre ?'
          : 'Which of these have you seen me do well?',
        options: fr
          ? [
              'Conduire un projet',
              'Animer un groupe',
              'Rédiger',
              'Analyser des données',
              'Accompagner un client ou un usager',
              'Former ou transmettre',
              'Réparer, construire, fabriquer'
            ]
          : [
              'Running a project',
              'Leading a group',
              'Writing',
              'Analysing data',
              'Looking after a client or user',
              'Training or teaching',
              'Repairing, building, making'
            ]
      },
      {
        id: 'realisation',
        level: 'savoir-faire',
        kind: 'text',
        text: fr
          ? 'Quelle réalisation de ma part vous a marqué ?'
          : 'Which piece of my work made an impression on you?'
      }
    ]
  }
}

/** A short mix of the three levels, after working together on a mission or a project. */
function apresMission(lang: Lang): Template {
  const fr = lang === 'fr'
  return {
    id: 'apres-mission',
    lang,
    title: fr ? 'Après avoir travaillé ensemble' : 'After working together',
    intro:
      (fr
        ? 'Nous venons de travailler ensemble : quelques questions rapides pour m’aider à progresser. '
        : 'We have just worked together: a few quick questions to help me grow. ') + INTRO[lang],
    questions: [
      {
        id: 'ensemble',
        level: 'savoir-etre',
        kind: 'scale',
        text: fr ? 'Travailler avec moi a été agréable.' : 'Working with me was pleasant.',
        ...AGREE[lang]
      },
      {
        id: 'competence',
        level: 'savoir',
        kind: 'scale',
        text: fr
          ? 'J’avais les connaissances qu’il fallait pour cette mission.'
          : 'I had the knowledge this work called for.',
        ...AGREE[lang]
      },
      {
        id: 'resultat',
        level: 'savoir-faire',
        kind: 'scale',
        text: fr ? 'Ce que j’ai livré répondait aux attentes.' : 'What I delivered met expectations.',
        ...AGREE[lang]
      },
      {
        id: 'recommander',
        level: 'savoir-faire',
        kind: 'single',
        text: fr ? 'Me recommanderiez-vous à quelqu’un ?' : 'Would you recommend me to someone?',
        options: fr ? ['Oui', 'Peut-être', 'Non'] : ['Yes', 'Maybe', 'No']
      },
      {
        id: 'retenir',
        level: 'savoir-etre',
        kind: 'text',
        text: fr ? 'Qu’est-ce que vous retiendrez de moi ?' : 'What will you remember about me?'
      }
    ]
  }
}

export const TEMPLATES: readonly Template[] = [savoirEtre, savoir, savoirFaire, apresMission].flatMap(
  (make) => [make('fr'), make('en')]
)

/** The distinct template ids, in display order. */
export const TEMPLATE_IDS: readonly string[] = [...new Set(TEMPLATES.map((t) => t.id))]

/** A copy of template `id` in `lang` (to edit freely), or undefined. */
export function findTemplate(id: string, lang: Lang): Template | undefined {
  const t = TEMPLATES.find((x) => x.id === id && x.lang === lang)
  return t && structuredClone(t)
}

/** Copies of every template in `lang`. */
export function templatesFor(lang: Lang): Template[] {
  return TEMPLATES.filter((t) => t.lang === lang).map((t) => structuredClone(t))
}
