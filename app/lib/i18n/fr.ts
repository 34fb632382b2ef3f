/**
 * French messages: the reference catalogue. `en.ts` must provide exactly the same keys (see `Messages`).
 * Placeholders are written `{name}` and filled by `t(key, { name })`.
 *
 * Write them with ordinary spaces: `frenchSpacing` puts the non-breaking space (U+00A0) French typography
 * wants before `:` `;` `?` `!` `»` and after `«`, so that no line ever starts with one of them.
 */

const NBSP = '\u00a0'

/** "vient ; vous" → "vient\u00a0; vous", "« did: »" → "«\u00a0did:\u00a0»"; "https://" and "did:key" stay as they are. */
export function frenchSpacing(s: string): string {
  return s
    .replace(/[ \u202f]+([:;?!»])/g, `${NBSP}$1`)
    .replace(/([^\s\u00a0])»/g, `$1${NBSP}»`)
    .replace(/«[ \u202f]*/g, `«${NBSP}`)
}

function withFrenchSpacing<const T extends Record<string, string>>(
  messages: T
): { readonly [K in keyof T]: string } {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(messages)) out[k] = frenchSpacing(v)
  return out as { readonly [K in keyof T]: string }
}

const messages = {
  'app.name': 'Musette',
  'app.tagline': 'Votre musette professionnelle, chez vous',
  'app.skip': 'Aller au contenu',
  'app.loading': 'Chargement…',
  'app.retry': 'Réessayer',
  'app.close': 'Fermer',
  'app.cancel': 'Annuler',
  'app.save': 'Enregistrer',
  'app.saving': 'Enregistrement…',
  'app.add': 'Ajouter',
  'app.edit': 'Modifier',
  'app.delete': 'Supprimer',
  'app.history': 'Historique',
  'app.copy': 'Copier',
  'app.copied': 'Copié',
  'app.copyLabel': 'Copier {what}',
  'app.required': 'obligatoire',
  'app.optional': 'facultatif',
  'app.none': 'Aucun',
  'app.all': 'Tous',
  'app.allF': 'Toutes',
  'app.colon': '\u00a0: ',
  'app.error': 'Une erreur est survenue : {message}',

  'nav.label': 'Navigation principale',
  'nav.identities': 'Identités',
  'nav.timeline': 'Time-line',
  'nav.import': 'Import',
  'nav.pilot': 'Pilote',
  'nav.lock': 'Verrouiller',
  'nav.locking': 'Verrouillage…',
  'nav.language': 'Langue',
  'nav.live': 'Connecté au nœud',
  'nav.offlineEvents': 'Mises à jour en direct interrompues, reconnexion…',

  'lang.fr': 'Français',
  'lang.en': 'English',

  'token.title': 'Ouvrez Musette depuis votre terminal',
  'token.body':
    'Pour protéger votre coffre, cette page a besoin de la clé d’accès que votre nœud Musette a créée. Elle figure dans l’adresse affichée au démarrage.',
  'token.step1': 'Dans un terminal, lancez {cmd1} (ou {cmd2} dans le dossier du projet).',
  'token.step2': 'Ouvrez l’adresse affichée, qui ressemble à {url}.',
  'token.step3': 'Cette adresse est personnelle : ne la partagez pas.',
  'token.expired': 'La clé d’accès enregistrée dans ce navigateur n’est plus valide.',

  'offline.title': 'Le nœud Musette ne répond pas',
  'offline.body': 'Vérifiez que {cmd} tourne toujours dans votre terminal, puis réessayez.',

  'first.title': 'Bienvenue dans votre Musette',
  'first.intro':
    'Votre Musette rassemble vos expériences, aptitudes, contacts et lieux dans un coffre chiffré qui reste sur cet ordinateur. Commençons par créer votre identité.',
  'first.name': 'Votre nom',
  'first.nameHint': 'Le nom que vous présenterez à vos pairs. Vous pourrez le changer.',
  'first.passphrase': 'Phrase secrète',
  'first.passphraseHint':
    'Au moins {min} caractères. Une suite de mots faciles à retenir fait une bonne phrase.',
  'first.confirm': 'Confirmez la phrase secrète',
  'first.warning':
    'Votre phrase secrète chiffre votre coffre et ne quitte jamais cet ordinateur. Personne, pas même Musette, ne peut la retrouver ni la réinitialiser : notez-la en lieu sûr.',
  'first.submit': 'Créer mon identité',
  'first.submitting': 'Création du coffre…',
  'first.show': 'Afficher la phrase secrète',
  'first.errName': 'Indiquez votre nom.',
  'first.errShort': 'La phrase secrète doit compter au moins {min} caractères.',
  'first.errMismatch': 'Les deux phrases secrètes ne sont pas identiques.',

  'strength.label': 'Robustesse',
  'strength.empty': 'Saisissez une phrase secrète.',
  'strength.weak': 'faible',
  'strength.medium': 'moyenne',
  'strength.strong': 'forte',
  'strength.weakHelp': 'Facile à deviner : allongez-la, ajoutez des mots peu courants.',
  'strength.mediumHelp': 'Correcte : quelques mots ou caractères de plus la rendraient solide.',
  'strength.strongHelp': 'Solide : difficile à deviner.',
  'strength.common': 'Elle contient un mot ou une suite très courants.',

  'unlock.title': 'Votre coffre est verrouillé',
  'unlock.intro': 'Saisissez votre phrase secrète pour ouvrir votre Musette{name}.',
  'unlock.passphrase': 'Phrase secrète',
  'unlock.submit': 'Déverrouiller',
  'unlock.submitting': 'Ouverture…',
  'unlock.wrong': 'Phrase secrète incorrecte. Vérifiez la saisie (majuscules, accents) et réessayez.',
  'unlock.tooMany': 'Trop de tentatives. Patientez une minute avant de réessayer.',
  'unlock.empty': 'Saisissez votre phrase secrète.',

  'identities.title': 'Identités',
  'identities.intro':
    'Tout ce que contient votre coffre, rangé par catégorie. Chaque élément indique d’où il vient ; vous seul décidez de ce que vous partagerez.',
  'identities.empty': 'Rien pour l’instant.',
  'identities.emptyHint': 'Utilisez « Ajouter » pour commencer.',
  'identities.count': '{n} élément(s)',
  'identities.addIn': 'Ajouter : {section}',

  'section.facet': 'Infos générales',
  'section.media': 'Images',
  'section.skill': 'Aptitudes et traits',
  'section.experience': 'Accomplissements',
  'section.place': 'Lieux',
  'section.contact': 'Contacts',
  'section.note': 'On going',
  'section.facetHelp': 'Nom, courriel, téléphone, adresse, site : vos coordonnées, par sphère.',
  'section.mediaHelp': 'Photos et visuels de vos réalisations (PNG, JPEG, WebP ou GIF, 5 Mo au plus).',
  'section.skillHelp': 'Savoirs, savoir\u2011faire et savoir\u2011être.',
  'section.experienceHelp': 'Emplois, missions, engagements, formations, diplômes, prix, événements.',
  'section.placeHelp': 'Là où vous avez vécu, travaillé, étudié.',
  'section.contactHelp': 'Votre répertoire augmenté : qui, dans quel cercle, comment vous vous êtes connus.',
  'section.noteHelp': 'Ce que vous voulez garder de la journée, sans le classer tout de suite.',

  'type.facet': 'Info générale',
  'type.experience': 'Accomplissement',
  'type.skill': 'Aptitude',
  'type.contact': 'Contact',
  'type.place': 'Lieu',
  'type.media': 'Image',
  'type.note': 'Note',

  'sphere.label': 'Sphère',
  'sphere.pro': 'Pro',
  'sphere.perso': 'Perso',
  'sphere.associative': 'Associatif',
  'sphere.militant': 'Militant',

  'kind.job': 'Emploi',
  'kind.mission': 'Mission freelance',
  'kind.volunteering': 'Bénévolat',
  'kind.training': 'Formation',
  'kind.diploma': 'Diplôme',
  'kind.award': 'Prix',
  'kind.event': 'Événement',
  'kind.contribution': 'Contribution',

  'facetKind.name': 'Nom',
  'facetKind.email': 'Courriel',
  'facetKind.phone': 'Téléphone',
  'facetKind.address': 'Adresse',
  'facetKind.website': 'Site web',
  'facetKind.avatar': 'Avatar',

  'circle.pro': 'Pro',
  'circle.asso': 'Associatif',
  'circle.perso': 'Perso',
  'circle.famille': 'Famille',
  'circle.militant': 'Militant',
  'circle.formation': 'Formation',

  'skillCat.savoir': 'Savoir',
  'skillCat.savoir-faire': 'Savoir-faire',
  'skillCat.savoir-etre': 'Savoir-être',

  'source.manual': 'Saisie manuelle',
  'source.import': 'Import {name}',
  'source.demo': 'Démo',
  'source.peer': 'Reçu de {name}',
  'source.line': '{source}, le {date}',
  'source.label': 'Provenance',

  'field.kind': 'Nature',
  'field.facetKind': 'Type d’info',
  'field.value': 'Valeur',
  'field.label': 'Libellé',
  'field.labelHint': 'Par exemple « perso » ou « bureau ».',
  'field.title': 'Intitulé',
  'field.organisation': 'Organisation',
  'field.place': 'Lieu',
  'field.start': 'Début',
  'field.end': 'Fin',
  'field.ongoing': 'En cours',
  'field.skills': 'Compétences mobilisées',
  'field.description': 'Description',
  'field.url': 'Lien',
  'field.name': 'Nom',
  'field.category': 'Catégorie',
  'field.level': 'Niveau (1 à 5)',
  'field.keywords': 'Mots-clés',
  'field.role': 'Rôle',
  'field.email': 'Courriel',
  'field.phone': 'Téléphone',
  'field.circles': 'Cercles',
  'field.howWeMet': 'Comment vous vous êtes connus',
  'field.notes': 'Notes',
  'field.did': 'Identifiant Musette (DID)',
  'field.address': 'Adresse',
  'field.city': 'Ville',
  'field.country': 'Pays',
  'field.from': 'Depuis',
  'field.to': 'Jusqu’à',
  'field.note': 'Note',
  'field.caption': 'Légende',
  'field.date': 'Date',
  'field.text': 'Texte',
  'field.tags': 'Étiquettes',
  'field.file': 'Image',
  'field.dateHint': 'AAAA, AAAA-MM ou AAAA-MM-JJ',
  'field.listHint': 'Séparés par des virgules.',
  'field.choose': '— choisir —',
  'field.unset': '— non précisé —',

  'form.addTitle': 'Ajouter : {type}',
  'form.editTitle': 'Modifier : {type}',
  'form.invalid': 'Certains champs sont à corriger.',
  'form.conflict':
    'Cet élément a été modifié ailleurs pendant que vous l’éditiez. Voici sa dernière version ; vos changements n’ont pas été enregistrés.',
  'form.locked': 'Le coffre a été verrouillé. Déverrouillez-le pour enregistrer.',
  'form.gone': 'Cet élément n’existe plus.',

  'err.required': 'Ce champ est obligatoire.',
  'err.tooLong': '{max} caractères au maximum.',
  'err.tooMany': '{max} éléments au maximum.',
  'err.tooSmall': 'Au moins {min}.',
  'err.tooBig': 'Au plus {max}.',
  'err.date': 'Date attendue : AAAA, AAAA-MM ou AAAA-MM-JJ.',
  'err.email': 'Adresse de courriel invalide.',
  'err.url': 'Adresse web invalide (https://…).',
  'err.did': 'Un DID commence par « did: ».',
  'err.choice': 'Choisissez une valeur de la liste.',
  'err.endBeforeStart': 'La fin précède le début.',
  'err.invalid': 'Valeur invalide.',
  'err.integer': 'Nombre entier attendu.',

  'delete.title': 'Supprimer cet élément ?',
  'delete.body':
    '« {title} » sera supprimé de votre coffre. Sa clé est effacée : aucune de ses versions ne pourra plus être lue. Cette action est définitive.',
  'delete.confirm': 'Supprimer définitivement',
  'delete.done': '« {title} » a été supprimé.',
  'delete.label': 'Supprimer « {title} »',
  'edit.label': 'Modifier « {title} »',
  'history.label': 'Historique de « {title} »',

  'versions.title': 'Historique de « {title} »',
  'versions.version': 'Version {n}',
  'versions.current': 'version actuelle',
  'versions.empty': 'Aucune version antérieure.',

  'media.upload': 'Ajouter une image',
  'media.uploading': 'Envoi…',
  'media.badType': 'Format non pris en charge : choisissez une image PNG, JPEG, WebP ou GIF.',
  'media.tooBig': 'Image trop lourde ({size}) : 5 Mo au plus.',
  'media.noFile': 'Choisissez une image.',
  'media.alt': 'Image : {name}',
  'media.loadError': 'Aperçu indisponible',

  'item.ongoing': 'en cours',
  'item.since': 'depuis {date}',
  'item.level': 'niveau {n}/5',
  'item.at': 'chez {org}',

  'timeline.title': 'Time-line',
  'timeline.intro': 'Vos expériences, notes, images et lieux datés, des plus récents aux plus anciens.',
  'timeline.filters': 'Filtres',
  'timeline.sphere': 'Sphère',
  'timeline.type': 'Catégorie',
  'timeline.kind': 'Nature de l’expérience',
  'timeline.search': 'Rechercher',
  'timeline.searchPlaceholder': 'Un mot, une organisation…',
  'timeline.reset': 'Effacer les filtres',
  'timeline.total': '{n} élément(s)',
  'timeline.undated': 'Sans date',
  'timeline.undatedHelp': 'Ajoutez-leur une date pour les placer sur la frise.',
  'timeline.empty':
    'Aucun élément daté pour l’instant. Ajoutez une expérience depuis Identités, ou importez un CV.',
  'timeline.noMatch': 'Aucun élément ne correspond à ces filtres.',
  'timeline.year': 'Année {year}',

  'pilot.title': 'Pilote',
  'pilot.intro': 'L’état de votre nœud, de votre coffre et de votre réseau.',
  'pilot.identity': 'Identité',
  'pilot.name': 'Nom',
  'pilot.did': 'DID',
  'pilot.peerId': 'PeerId',
  'pilot.network': 'Réseau',
  'pilot.listen': 'Adresses d’écoute',
  'pilot.noListen': 'Le nœud n’écoute sur aucune adresse.',
  'pilot.direct': 'Adresses directes',
  'pilot.noDirect': 'Aucune adresse directe.',
  'pilot.relayed': 'Via un relais ({n})',
  'pilot.relayedHelp':
    'Joignable par l’intermédiaire d’un relais : vos pairs passent par un autre nœud pour vous atteindre quand une connexion directe est impossible.',
  'pilot.peers': 'Pairs connectés : {n}',
  'pilot.noPeers': 'Aucun pair connecté pour le moment.',
  'pilot.peerUnknown': 'Pair {id}',
  'pilot.peerIds': 'Identifiants',
  'pilot.direction': 'Sens',
  'pilot.direction.inbound': 'entrant',
  'pilot.direction.outbound': 'sortant',
  'pilot.direction.unknown': 'inconnu',
  'pilot.latency': '{ms} ms',
  'pilot.vault': 'Coffre',
  'pilot.records': 'Éléments enregistrés : {n}',
  'pilot.home': 'Emplacement des données',
  'pilot.homeHelp': 'Ce dossier ne contient que des données chiffrées.',
  'pilot.version': 'Version {v}',
  'pilot.settings': 'Préférences',
  'pilot.langHelp': 'La langue est mémorisée dans ce navigateur.',
  'pilot.export': 'Exporter',
  'pilot.exportHelp':
    'Téléchargez vos expériences, aptitudes et coordonnées au format JSON Resume. Le fichier n’est pas chiffré : gardez-le en lieu sûr.',
  'pilot.exportButton': 'Télécharger musette-resume.json',
  'pilot.exporting': 'Préparation…',
  'pilot.lockTitle': 'Verrouillage',
  'pilot.lockHelp':
    'Le nœud oublie vos clés et se déconnecte du réseau jusqu’à la prochaine saisie de votre phrase secrète.',
  'pilot.live': 'Mises à jour en direct',
  'pilot.liveOn': 'actives',
  'pilot.liveOff': 'en reconnexion',

  'import.title': 'Importer un CV',
  'import.intro':
    'Importez un fichier JSON Resume (jsonresume.org). Vous choisissez les éléments à ajouter ; rien n’est enregistré avant votre validation.',
  'import.file': 'Fichier JSON Resume',
  'import.fileHint': 'Fichier .json de 2 Mo au plus.',
  'import.tooBig': 'Fichier trop lourd ({size}) : 2 Mo au plus.',
  'import.notJson': 'Ce fichier n’est pas du JSON valide : {detail}',
  'import.reading': 'Analyse du fichier…',
  'import.invalid': 'Ce fichier ne peut pas être importé.',
  'import.nothing': 'Aucun élément importable dans ce fichier.',
  'import.warnings': 'Remarques',
  'import.selectAll': 'Tout cocher',
  'import.selectNone': 'Tout décocher',
  'import.group': '{type} ({n})',
  'import.submit': 'Importer {n} élément(s)',
  'import.progress': 'Import en cours',
  'import.finished': 'Import terminé',
  'import.progressText': '{done} sur {total}',
  'import.done': '{n} élément(s) importé(s) dans votre coffre.',
  'import.seeTimeline': 'Voir la Time-line',
  'import.again': 'Importer un autre fichier',
  'import.choose': 'Choisir un autre fichier'
} as const satisfies Record<string, string>

export const fr = withFrenchSpacing(messages)

export type MessageKey = keyof typeof messages
/** Every catalogue has exactly the French keys. */
export type Messages = { readonly [K in MessageKey]: string }
