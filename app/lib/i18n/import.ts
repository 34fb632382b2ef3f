/**
 * Import messages (the importers' page and "Vos sources"), French and English (spread into fr.ts and en.ts).
 * The French catalogue is the reference and the English one must have exactly the same keys (the type says so).
 */
export const importFr = {
  'import.kind': 'Que voulez-vous importer ?',
  'import.kind.linkedin': 'Votre export LinkedIn',
  'import.kind.linkedin.hint':
    'Le fichier .zip que LinkedIn envoie quand vous demandez une copie de vos données (Préférences › Confidentialité des données › Obtenir une copie de vos données). Postes, formations, compétences, recommandations et relations.',
  'import.kind.vcard': 'Des contacts (vCard)',
  'import.kind.vcard.hint':
    'Un fichier .vcf exporté de Contacts (Apple), Google Contacts, Outlook ou Thunderbird.',
  'import.kind.icalendar': 'Un agenda (iCalendar)',
  'import.kind.icalendar.hint':
    'Un fichier .ics : les rencontres et événements passés rejoignent votre Time-line, liés à vos contacts.',
  'import.kind.credentials': 'Des badges et attestations',
  'import.kind.credentials.hint':
    'Open Badges 3.0 et autres attestations vérifiables du W3C, en JSON ou en JWT, gagnés ailleurs. Chacune est vérifiée avant l’import ; une attestation falsifiée fait refuser le fichier.',
  'import.credentials.group': 'Badges et attestations',
  'import.credentials.state.verified': 'signature vérifiée',
  'import.credentials.state.unverifiable': 'non vérifiable ici',
  'import.credentials.state.expired': 'expirée',
  'import.credentials.state.not-yet-valid': 'pas encore valide',
  'import.kind.images': 'Des photos',
  'import.kind.images.hint':
    'Des images PNG, JPEG, WebP ou GIF (5 Mo chacune, 200 à la fois) : leur date et leur lieu de prise de vue (EXIF) les placent sur votre Time-line. Ces informations restent dans votre coffre : une image partagée part sans elles.',
  'import.images.count': '{n} images',
  'import.images.reading': '{done} image(s) lue(s) sur {total}',
  'import.images.skipped': '{name} laissé de côté : {why}',
  'import.kind.json-resume': 'Un CV (JSON Resume)',
  'import.kind.json-resume.hint': 'Un fichier .json au format jsonresume.org.',
  'import.maxSize': 'Fichier de {size} au plus.',
  'import.tooBigFor': 'Fichier trop lourd ({size}) : {max} au plus.',
  'import.sending': 'Envoi et analyse de {name} ({size})…',
  'import.summary': '{name} : {n} élément(s) trouvé(s)',
  'import.filesRead': 'Fichiers lus : {files}',
  'import.filesMissing': 'Absents de cet export : {files}',
  'import.duplicates': 'Déjà dans votre coffre ({n})',
  'import.duplicatesHelp':
    'Ces éléments ressemblent à ce que vous avez déjà (même organisation, même titre, mêmes dates). Par défaut, nous complétons l’existant plutôt que d’en faire une seconde copie.',
  'import.dup.merge': 'Compléter l’existant',
  'import.dup.mergeAdds': 'Compléter l’existant (ajoute : {fields})',
  'import.dup.nothingToAdd': 'Ignorer (rien de nouveau)',
  'import.dup.keepBoth': 'Garder les deux',
  'import.dup.skip': 'Ignorer',
  'import.dup.label': 'Que faire de « {label} » ?',
  'import.testimony': 'Témoignage non vérifié',
  'import.testimonyHelp':
    'Une recommandation ou une validation reçue sur LinkedIn : la parole de quelqu’un, relayée par LinkedIn, non signée. Elle est gardée comme note marquée « non vérifié ». Quand son auteur sera votre contact sur Musette, vous pourrez lui demander une vraie attestation.',
  'import.submitAll': 'Importer {n} élément(s), en compléter {m}',
  'import.doneMerged': '{n} élément(s) importé(s), {m} élément(s) existant(s) complété(s).',
  'import.doneTestimonies':
    '{n} témoignage(s) gardé(s) comme notes « non vérifié ». Depuis vos Contacts, demandez une attestation à leurs auteurs dès qu’ils sont sur Musette.',
  'import.seeIdentities': 'Voir Identités',
  'import.seeContacts': 'Voir les contacts',
  'import.error.where': 'Où',
  'import.moreWarnings': '… et {n} autre(s) remarque(s).',
  'request.testimonyClaim': 'Recommandation professionnelle',
  'request.testimonyDraft':
    'Vous m’aviez recommandé(e) sur LinkedIn : « {words} ». Accepteriez-vous de le signer comme attestation sur Musette ?',
  'attest.imported': 'Badges et attestations importés',
  'attest.importedHelp':
    'Gagnés ailleurs (Open Badges, diplômes numériques…) et vérifiés à l’import : leur état dit ce qui a pu être vérifié sans réseau.',
  'attest.importedEmpty': 'Aucun pour le moment.',
  'attest.importedLink': 'Importer des badges',
  'import.sources': 'Vos sources',
  'import.sourcesIntro': 'D’où viennent les éléments de votre Musette.',
  'import.sources.count': '{n} élément(s)',
  'import.sources.at': 'importé le {date}',
  'import.sources.manual': 'Saisis par vous',
  'import.sources.demo': 'Profil de démonstration',
  'import.sources.peer': 'Reçus de vos pairs',
  'import.sources.peerNamed': 'Reçus de vos pairs : {name}',
  'import.sources.import': 'Import {name}',
  'import.sources.reimport': 'Importer à nouveau',
  'import.sources.manage': 'Gérer ou effacer',
  'import.sources.add': 'Importer d’autres données'
} as const satisfies Record<string, string>

export const importEn: { readonly [K in keyof typeof importFr]: string } = {
  'import.kind': 'What do you want to import?',
  'import.kind.linkedin': 'Your LinkedIn export',
  'import.kind.linkedin.hint':
    'The .zip file LinkedIn sends when you ask for a copy of your data (Settings › Data privacy › Get a copy of your data). Positions, education, skills, recommendations and connections.',
  'import.kind.vcard': 'Contacts (vCard)',
  'import.kind.vcard.hint':
    'A .vcf file exported from Contacts (Apple), Google Contacts, Outlook or Thunderbird.',
  'import.kind.icalendar': 'A calendar (iCalendar)',
  'import.kind.icalendar.hint':
    'An .ics file: past meetings and events join your Timeline, linked to your contacts.',
  'import.kind.credentials': 'Badges and credentials',
  'import.kind.credentials.hint':
    'Open Badges 3.0 and other W3C verifiable credentials, as JSON or JWT, earned elsewhere. Each is verified before the import; a forged one makes the file refused.',
  'import.credentials.group': 'Badges and credentials',
  'import.credentials.state.verified': 'signature verified',
  'import.credentials.state.unverifiable': 'cannot be verified here',
  'import.credentials.state.expired': 'expired',
  'import.credentials.state.not-yet-valid': 'not valid yet',
  'import.kind.images': 'Photos',
  'import.kind.images.hint':
    'PNG, JPEG, WebP or GIF images (5 MB each, 200 at a time): the date and place they were taken (EXIF) put them on your Timeline. That information stays in your vault: a shared image leaves without it.',
  'import.images.count': '{n} images',
  'import.images.reading': '{done} of {total} image(s) read',
  'import.images.skipped': '{name} left out: {why}',
  'import.kind.json-resume': 'A résumé (JSON Resume)',
  'import.kind.json-resume.hint': 'A .json file in the jsonresume.org format.',
  'import.maxSize': 'A file of {size} at most.',
  'import.tooBigFor': 'File too large ({size}): {max} at most.',
  'import.sending': 'Sending and reading {name} ({size})…',
  'import.summary': '{name}: {n} item(s) found',
  'import.filesRead': 'Files read: {files}',
  'import.filesMissing': 'Not in this export: {files}',
  'import.duplicates': 'Already in your vault ({n})',
  'import.duplicatesHelp':
    'These items look like what you already have (same organisation, title and dates). By default we complete the existing item rather than make a second copy.',
  'import.dup.merge': 'Complete the existing item',
  'import.dup.mergeAdds': 'Complete the existing item (adds: {fields})',
  'import.dup.nothingToAdd': 'Skip (nothing new)',
  'import.dup.keepBoth': 'Keep both',
  'import.dup.skip': 'Skip',
  'import.dup.label': 'What to do with “{label}”?',
  'import.testimony': 'Unverified testimony',
  'import.testimonyHelp':
    'A recommendation or endorsement received on LinkedIn: someone’s word, relayed by LinkedIn, unsigned. It is kept as a note marked “unverified”. Once its author is your contact on Musette, you can ask them for a real attestation.',
  'import.submitAll': 'Import {n} item(s), complete {m}',
  'import.doneMerged': '{n} item(s) imported, {m} existing item(s) completed.',
  'import.doneTestimonies':
    '{n} testimony(ies) kept as “unverified” notes. From your Contacts, ask their authors for an attestation as soon as they are on Musette.',
  'import.seeIdentities': 'See Identities',
  'import.seeContacts': 'See contacts',
  'import.error.where': 'Where',
  'import.moreWarnings': '… and {n} more remark(s).',
  'request.testimonyClaim': 'Professional recommendation',
  'request.testimonyDraft':
    'You recommended me on LinkedIn: “{words}”. Would you sign it as an attestation on Musette?',
  'attest.imported': 'Imported badges and credentials',
  'attest.importedHelp':
    'Earned elsewhere (Open Badges, digital diplomas…) and verified on import: their state says what could be checked without the network.',
  'attest.importedEmpty': 'None yet.',
  'attest.importedLink': 'Import badges',
  'import.sources': 'Your sources',
  'import.sourcesIntro': 'Where the items of your Musette come from.',
  'import.sources.count': '{n} item(s)',
  'import.sources.at': 'imported on {date}',
  'import.sources.manual': 'Entered by you',
  'import.sources.demo': 'Demo profile',
  'import.sources.peer': 'Received from your peers',
  'import.sources.peerNamed': 'Received from your peers: {name}',
  'import.sources.import': '{name} import',
  'import.sources.reimport': 'Import again',
  'import.sources.manage': 'Manage or erase',
  'import.sources.add': 'Import more data'
}
