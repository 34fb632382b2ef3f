/**
 * Recovery messages, French and English (spread into fr.ts and en.ts). Keys start with 'recovery.'; the French
 * catalogue is the reference and the English one must have exactly the same keys (the type says so).
 */
export const recoveryFr = {
  // the owner's set, in the Pilote
  'recovery.title': 'Récupération par vos proches',
  'recovery.help':
    'Si vous oubliez votre phrase secrète, quelques personnes de confiance pourront ensemble vous rendre l’accès à une sauvegarde. Chacune garde dans son propre coffre une part d’une clé de secours ; une part seule ne révèle rien.',
  'recovery.warning':
    'Choisissez des personnes qui ne se concertent pas toutes : {k} d’entre elles réunies, avec une de vos sauvegardes, pourraient ouvrir votre coffre.',
  'recovery.warningGeneric':
    'Choisissez des personnes qui ne se concertent pas toutes : réunies en nombre suffisant, avec une de vos sauvegardes, elles pourraient ouvrir votre coffre.',
  'recovery.none': 'Pas encore en place : sans votre phrase secrète, vos sauvegardes ne s’ouvriraient pas.',
  'recovery.active': 'En place : {k} parts sur {n} suffisent.',
  'recovery.since': 'Depuis le {date}.',
  'recovery.backupNow':
    'Seules les sauvegardes faites à partir de maintenant peuvent être rouvertes ainsi : faites-en une (section Sauvegarde).',
  'recovery.notInKeyring':
    'Votre coffre ne porte pas cet ensemble (il a été changé ailleurs) : remettez-le en place.',
  'recovery.holders': 'Qui garde une part',
  'recovery.state.pending': 'en attente : sera remise à sa prochaine connexion',
  'recovery.state.delivered': 'part remise',
  'recovery.state.failed': 'non remise : {error}',
  'recovery.change': 'Changer de personnes…',
  'recovery.setupButton': 'Mettre en place…',
  'recovery.disable': 'Désactiver…',
  'recovery.disableTitle': 'Désactiver la récupération par vos proches',
  'recovery.disableConfirm':
    'Les personnes de confiance seront priées d’effacer leur part, et les sauvegardes faites ensuite ne pourront s’ouvrir qu’avec votre phrase secrète.',
  'recovery.disableButton': 'Désactiver',
  'recovery.disabling': 'Désactivation…',
  'recovery.disabled': 'Récupération par vos proches désactivée.',
  'recovery.form': 'Choisir les personnes de confiance',
  'recovery.people': 'Personnes de confiance ({min} à {max})',
  'recovery.peopleHint':
    'Seulement vos contacts qui ont Musette. Chaque part leur est envoyée chiffrée, signée par vous.',
  'recovery.noPeople':
    'Il faut au moins deux contacts qui ont Musette : invitez-les depuis la page Contacts.',
  'recovery.threshold': 'Combien de parts faut-il réunir ?',
  'recovery.thresholdOption': '{k} sur {n}',
  'recovery.summary': 'Il faudra {k} de ces {n} personnes pour rouvrir une sauvegarde.',
  'recovery.chosen': '{n} choisie(s)',
  'recovery.errCount': 'Choisissez de {min} à {max} personnes.',
  'recovery.submit': 'Mettre en place',
  'recovery.replace': 'Remplacer l’ensemble',
  'recovery.replaceNote':
    'Un nouvel ensemble remplace l’ancien : les anciennes parts ne rouvrent plus rien de nouveau, et leurs gardiens sont priés de les effacer.',
  'recovery.saving': 'Préparation des parts…',
  'recovery.saved': 'En place : les parts partent vers vos {n} personnes de confiance.',
  'recovery.offline':
    'Le réseau de votre nœud ne fonctionne pas : la récupération par vos proches attend qu’il revienne.',

  // a trusted contact's side
  'recovery.held': 'Parts gardées pour vos proches',
  'recovery.heldHelp':
    'Des personnes vous ont confié une part de leur clé de secours. Ne la donnez que lorsqu’elles vous le demandent elles-mêmes.',
  'recovery.heldNone': 'Personne ne vous a confié de part.',
  'recovery.heldItem': 'Part confiée par {name}',
  'recovery.heldMeta': 'reçue le {date} · {k} parts sur {n} suffisent',
  'recovery.released': 'donnée le {date}',
  'recovery.forget': 'Ne plus la garder…',
  'recovery.forgetTitle': 'Ne plus garder cette part',
  'recovery.forgetConfirm':
    'La part confiée par {name} sera effacée de votre coffre. Prévenez {name} : il lui faudra choisir quelqu’un d’autre.',
  'recovery.forgetButton': 'Effacer la part',
  'recovery.forgotten': 'Part effacée.',
  'recovery.asked': 'Quelqu’un vous demande sa part ?',
  'recovery.askedHelp':
    'Collez le lien de la demande qu’on vous a envoyé (il commence par « musette:recover »).',
  'recovery.requestLink': 'Lien de la demande',
  'recovery.read': 'Lire la demande',
  'recovery.reading': 'Lecture…',
  'recovery.preview':
    '{name} demande sa part de secours depuis un nouveau nœud ({peer}). La demande expire le {date}.',
  'recovery.check':
    'Vérifiez par un autre moyen — un appel, une rencontre — que cette demande vient bien de {name} : quiconque réunit {k} parts et une sauvegarde peut ouvrir son coffre.',
  'recovery.confirm': 'J’ai vérifié : c’est bien {name} qui demande',
  'recovery.give': 'Donner ma part',
  'recovery.giving': 'Envoi de la part…',
  'recovery.given': 'Part remise : {name} la voit arriver sur son nouveau nœud.',

  // the recovering side, at first start
  'recovery.lost': 'Phrase secrète oubliée ?',
  'recovery.lostHelp':
    'Si vous aviez mis en place la récupération par vos proches, une de vos sauvegardes peut se rouvrir avec leur aide, sous une nouvelle phrase secrète.',
  'recovery.lostHelpLocal':
    'Si vous avez mis en place la récupération par vos proches, ils peuvent ensemble vous rendre l’accès à ce coffre, sous une nouvelle phrase secrète.',
  'recovery.start': 'Retrouver l’accès grâce à mes proches',
  'recovery.file': 'Votre sauvegarde',
  'recovery.ask': 'Demander les parts',
  'recovery.asking': 'Préparation de la demande…',
  'recovery.send':
    'Envoyez ce lien aux personnes qui gardent vos parts (par courriel, message…), puis appelez-les : {k} sur {n} suffisent.',
  'recovery.sendHow':
    'Chacune l’ouvre dans son Musette (Pilote › Parts gardées pour vos proches) et confirme. Gardez cette page ouverte.',
  'recovery.link': 'Lien de la demande',
  'recovery.linkWhat': 'le lien de la demande',
  'recovery.qrAlt': 'QR code de la demande de parts',
  'recovery.expires': 'Expire le {date}.',
  'recovery.expired': 'Ce lien a expiré : faites-en un nouveau.',
  'recovery.again': 'Nouveau lien',
  'recovery.progress': '{n} part(s) reçue(s) sur {k}',
  'recovery.from': 'Part reçue : {name}',
  'recovery.refused': 'Part refusée ({name}) : {reason}',
  'recovery.ready': 'Assez de parts : choisissez votre nouvelle phrase secrète.',
  'recovery.newPass': 'Nouvelle phrase secrète',
  'recovery.newPassConfirm': 'Confirmez-la',
  'recovery.reopen': 'Rouvrir mon coffre',
  'recovery.reopening': 'Vérification et restauration…',
  'recovery.cancel': 'Abandonner',
  'recovery.done': '{n} éléments retrouvés.',

  // reasons
  'recovery.err.NO_RECOVERY':
    'Cette sauvegarde a été faite avant la mise en place de la récupération par vos proches : seule sa phrase secrète l’ouvre.',
  'recovery.err.NO_RECOVERY_LOCAL':
    'La récupération par vos proches n’a pas été mise en place pour ce coffre : seule sa phrase secrète l’ouvre.',
  'recovery.err.NOT_ENOUGH_SHARES': 'Pas encore assez de parts : demandez à d’autres personnes.',
  'recovery.err.COMMITMENT_MISMATCH':
    'Les parts ne vont pas ensemble : l’une est falsifiée ou vient d’un autre ensemble. Rien n’a été écrit.',
  'recovery.err.NO_SHARE':
    'Vous ne gardez aucune part de cet ensemble : la demande ne vous est pas destinée, ou l’ensemble a été remplacé.',
  'recovery.err.CHANGED': 'La demande ne vise plus la part que vous avez confirmée : lisez-la à nouveau.',
  'recovery.err.INVALID_REQUEST': 'Ce n’est pas une demande de parts valide : {message}',
  'recovery.err.EXPIRED': 'Cette demande a expiré : demandez-en une nouvelle.',
  'recovery.err.UNREACHABLE':
    'Le nœud qui demande est injoignable : sa page est-elle encore ouverte ? Réessayez, ou demandez un nouveau lien.',
  'recovery.err.REFUSED': 'Le nœud qui demande a refusé la part : {message}',
  'recovery.err.NOT_A_CONTACT': '{message}',
  'recovery.err.WRONG_OWNER': 'signée par une autre clé que la vôtre',
  'recovery.err.BAD_SIGNATURE': 'signature fausse : la part a été modifiée ou falsifiée',
  'recovery.err.WRONG_SET': 'part d’un autre ensemble (remplacé depuis ?)',
  'recovery.err.WRONG_PARAMETERS': 'elle ne correspond pas à cette sauvegarde',
  'recovery.err.DUPLICATE_SHARE': 'cette part a déjà été donnée',
  'recovery.err.MALFORMED': 'illisible'
} as const satisfies Record<string, string>

export const recoveryEn: { readonly [K in keyof typeof recoveryFr]: string } = {
  'recovery.title': 'Recovery through your contacts',
  'recovery.help':
    'If you forget your passphrase, a few people you trust can together give you back access to a backup. Each keeps a share of a recovery key in their own vault; one share alone reveals nothing.',
  'recovery.warning':
    'Choose people who will not all get together: {k} of them, with one of your backups, could open your vault.',
  'recovery.warningGeneric':
    'Choose people who will not all get together: enough of them, with one of your backups, could open your vault.',
  'recovery.none': 'Not set up yet: without your passphrase, your backups would not open.',
  'recovery.active': 'Set up: any {k} shares of {n} are enough.',
  'recovery.since': 'Since {date}.',
  'recovery.backupNow': 'Only backups made from now on can be reopened this way: make one (Backup section).',
  'recovery.notInKeyring': 'Your vault does not carry this set (it was changed elsewhere): set it up again.',
  'recovery.holders': 'Who keeps a share',
  'recovery.state.pending': 'waiting: given when they next come online',
  'recovery.state.delivered': 'share given',
  'recovery.state.failed': 'not given: {error}',
  'recovery.change': 'Change people…',
  'recovery.setupButton': 'Set up…',
  'recovery.disable': 'Turn off…',
  'recovery.disableTitle': 'Turn off recovery through your contacts',
  'recovery.disableConfirm':
    'The people you trust will be asked to erase their share, and backups made afterwards will open only with your passphrase.',
  'recovery.disableButton': 'Turn off',
  'recovery.disabling': 'Turning off…',
  'recovery.disabled': 'Recovery through your contacts is off.',
  'recovery.form': 'Choose the people you trust',
  'recovery.people': 'People you trust ({min} to {max})',
  'recovery.peopleHint':
    'Only your contacts who use Musette. Each share is sent to them encrypted, signed by you.',
  'recovery.noPeople': 'You need at least two contacts on Musette: invite them from the Contacts page.',
  'recovery.threshold': 'How many shares must come together?',
  'recovery.thresholdOption': '{k} of {n}',
  'recovery.summary': '{k} of these {n} people will be needed to reopen a backup.',
  'recovery.chosen': '{n} chosen',
  'recovery.errCount': 'Choose {min} to {max} people.',
  'recovery.submit': 'Set up',
  'recovery.replace': 'Replace the set',
  'recovery.replaceNote':
    'A new set replaces the old one: the old shares open nothing new, and their keepers are asked to erase them.',
  'recovery.saving': 'Preparing the shares…',
  'recovery.saved': 'Set up: the shares are on their way to your {n} trusted people.',
  'recovery.offline': 'Your node’s network is not running: recovery through your contacts waits for it.',

  'recovery.held': 'Shares you keep for others',
  'recovery.heldHelp':
    'People trusted you with a share of their recovery key. Give it only when they ask you themselves.',
  'recovery.heldNone': 'Nobody has trusted you with a share.',
  'recovery.heldItem': '{name}’s share',
  'recovery.heldMeta': 'received {date} · any {k} shares of {n} are enough',
  'recovery.released': 'given {date}',
  'recovery.forget': 'Stop keeping it…',
  'recovery.forgetTitle': 'Stop keeping this share',
  'recovery.forgetConfirm':
    '{name}’s share will be erased from your vault. Tell {name}: they will have to choose someone else.',
  'recovery.forgetButton': 'Erase the share',
  'recovery.forgotten': 'Share erased.',
  'recovery.asked': 'Someone asks for their share?',
  'recovery.askedHelp': 'Paste the request link you were sent (it starts with “musette:recover”).',
  'recovery.requestLink': 'Request link',
  'recovery.read': 'Read the request',
  'recovery.reading': 'Reading…',
  'recovery.preview':
    '{name} asks for their recovery share, from a new node ({peer}). The request expires {date}.',
  'recovery.check':
    'Check by another channel — a call, a meeting — that this request really comes from {name}: whoever gathers {k} shares and a backup can open their vault.',
  'recovery.confirm': 'I checked: it really is {name} asking',
  'recovery.give': 'Give my share',
  'recovery.giving': 'Sending the share…',
  'recovery.given': 'Share given: {name} sees it arrive on their new node.',

  'recovery.lost': 'Forgot your passphrase?',
  'recovery.lostHelp':
    'If you had set up recovery through your contacts, one of your backups can be reopened with their help, under a new passphrase.',
  'recovery.lostHelpLocal':
    'If you set up recovery through your contacts, together they can give you back access to this vault, under a new passphrase.',
  'recovery.start': 'Get access back with my contacts',
  'recovery.file': 'Your backup',
  'recovery.ask': 'Ask for the shares',
  'recovery.asking': 'Preparing the request…',
  'recovery.send':
    'Send this link to the people who keep your shares (by email, message…), then call them: {k} of {n} are enough.',
  'recovery.sendHow':
    'Each opens it in their Musette (Pilote › Shares you keep for others) and confirms. Keep this page open.',
  'recovery.link': 'Request link',
  'recovery.linkWhat': 'the request link',
  'recovery.qrAlt': 'QR code of the request for shares',
  'recovery.expires': 'Expires {date}.',
  'recovery.expired': 'This link has expired: make a new one.',
  'recovery.again': 'New link',
  'recovery.progress': '{n} share(s) received of {k}',
  'recovery.from': 'Share received: {name}',
  'recovery.refused': 'Share refused ({name}): {reason}',
  'recovery.ready': 'Enough shares: choose your new passphrase.',
  'recovery.newPass': 'New passphrase',
  'recovery.newPassConfirm': 'Confirm it',
  'recovery.reopen': 'Reopen my vault',
  'recovery.reopening': 'Checking and restoring…',
  'recovery.cancel': 'Give up',
  'recovery.done': '{n} items recovered.',

  'recovery.err.NO_RECOVERY':
    'This backup was made before recovery through your contacts was set up: only its passphrase opens it.',
  'recovery.err.NO_RECOVERY_LOCAL':
    'Recovery through your contacts was not set up for this vault: only its passphrase opens it.',
  'recovery.err.NOT_ENOUGH_SHARES': 'Not enough shares yet: ask more people.',
  'recovery.err.COMMITMENT_MISMATCH':
    'The shares do not fit together: one is forged or comes from another set. Nothing was written.',
  'recovery.err.NO_SHARE':
    'You keep no share of this set: the request is not for you, or the set was replaced.',
  'recovery.err.CHANGED': 'The request no longer asks for the share you confirmed: read it again.',
  'recovery.err.INVALID_REQUEST': 'This is not a valid request for shares: {message}',
  'recovery.err.EXPIRED': 'This request has expired: ask for a new one.',
  'recovery.err.UNREACHABLE':
    'The requesting node cannot be reached: is its page still open? Try again, or ask for a new link.',
  'recovery.err.REFUSED': 'The requesting node refused the share: {message}',
  'recovery.err.NOT_A_CONTACT': '{message}',
  'recovery.err.WRONG_OWNER': 'signed by another key than yours',
  'recovery.err.BAD_SIGNATURE': 'bad signature: the share was altered or forged',
  'recovery.err.WRONG_SET': 'a share of another set (replaced since?)',
  'recovery.err.WRONG_PARAMETERS': 'it does not match this backup',
  'recovery.err.DUPLICATE_SHARE': 'this share was already given',
  'recovery.err.MALFORMED': 'unreadable'
}
