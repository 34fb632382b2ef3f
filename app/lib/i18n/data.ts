/**
 * Data messages (the Pilote's backups, holdings and erasure; restoring at first start), French and English
 * (spread into fr.ts and en.ts). The French catalogue is the reference; the English one has the same keys.
 */
export const dataFr = {
  'data.backup': 'Sauvegarde',
  'data.backup.help':
    'Une archive de tout votre coffre, chiffrée comme sur ce disque : sans votre phrase secrète, personne ne peut l’ouvrir. Gardez-la ailleurs (clé USB, autre ordinateur) ; elle se restaure sur une autre machine avec la même phrase secrète, avec la même identité.',
  'data.backup.download': 'Télécharger une sauvegarde',
  'data.backup.downloading': 'Préparation de l’archive…',
  'data.backup.received': '{size} reçus…',
  'data.backup.downloaded': '{name} ({size}) téléchargé.',
  'data.auto': 'Sauvegardes automatiques',
  'data.auto.help':
    'Le nœud écrit une archive chiffrée dans un dossier de cette machine à intervalle régulier et garde les plus récentes. Choisissez un dossier synchronisé ou sur un disque externe.',
  'data.auto.folder': 'Dossier (chemin complet sur la machine du nœud)',
  'data.auto.folderHint': 'Laissez vide pour arrêter les sauvegardes automatiques.',
  'data.auto.every': 'Toutes les (heures)',
  'data.auto.keep': 'En garder',
  'data.auto.errAbsolute': 'Un chemin complet, qui commence par « / ».',
  'data.auto.saved': 'Une sauvegarde sera écrite dans {folder} toutes les {hours} heures.',
  'data.auto.off': 'Sauvegardes automatiques arrêtées.',
  'data.auto.now': 'Sauvegarder maintenant',
  'data.auto.running': 'Sauvegarde en cours…',
  'data.auto.written': 'Sauvegarde écrite : {file} ({size}).',
  'data.holdings': 'Ce que je détiens',
  'data.holdings.help':
    'Tout ce que votre coffre garde, par sorte et par source. Effacer une source supprime vraiment ses éléments : leurs clés sont oubliées et leurs blocs retirés du disque.',
  'data.holdings.total': '{n} élément(s) en tout',
  'data.holdings.byType': 'Par sorte',
  'data.holdings.bySource': 'Par source',
  'data.holdings.internal': 'Données du nœud (invitations, annonces, partages…)',
  'data.holdings.delete': 'Effacer ces {n} élément(s)',
  'data.holdings.deleting': 'Effacement…',
  'data.holdings.confirmTitle': 'Effacer une source',
  'data.holdings.confirm': 'Effacer les {n} élément(s) venus de « {source} » ?',
  'data.holdings.irreversible':
    'C’est définitif : ils ne pourront être retrouvés que depuis une sauvegarde faite avant.',
  'data.holdings.deleted': '{n} élément(s) de « {source} » effacé(s).',
  'data.erase': 'Tout effacer',
  'data.erase.help':
    'Votre droit à l’oubli : l’identité, ses clés et tous les éléments de ce coffre, effacés de cette machine.',
  'data.erase.start': 'Tout effacer…',
  'data.erase.warning':
    'Définitif. Faites d’abord une sauvegarde si vous voulez pouvoir revenir en arrière. Vos pairs gardent ce que vous leur avez partagé.',
  'data.erase.passphrase': 'Votre phrase secrète',
  'data.erase.type': 'Tapez {word} pour confirmer',
  'data.erase.submit': 'Effacer définitivement',
  'data.erase.erasing': 'Effacement…',
  'data.restore': 'Restaurer une sauvegarde',
  'data.restore.help':
    'Vous avez une archive Musette (.car) et sa phrase secrète : retrouvez ici votre coffre tel qu’il était, avec la même identité.',
  'data.restore.file': 'Archive de sauvegarde',
  'data.restore.passphrase': 'Phrase secrète de cette sauvegarde',
  'data.restore.checking': 'Vérification de l’archive et de chaque élément…',
  'data.restore.submit': 'Restaurer',
  'data.restore.done': '{n} élément(s) restauré(s).',
  'data.restore.lost':
    'Sans la phrase secrète, l’archive ne peut pas être ouverte : personne d’autre ne la connaît.',
  'data.or': 'ou',
  'data.err.passphrase': 'Ce n’est pas la phrase secrète de cette sauvegarde. Rien n’a été modifié.',
  'data.err.tampered': 'Cette archive a été modifiée ou abîmée : {message}. Rien n’a été modifié.',
  'data.err.notBackup': 'Ce fichier n’est pas une sauvegarde Musette : {message}',
  'data.err.tooLarge': 'Archive trop lourde : 512 Mo au plus.',
  'data.err.notEmpty':
    'Ce profil contient déjà des données : une sauvegarde ne se restaure que dans un profil vide.',
  'data.err.node': 'Le nœud ne répond pas. Est-il lancé ?'
} as const satisfies Record<string, string>

export const dataEn: { readonly [K in keyof typeof dataFr]: string } = {
  'data.backup': 'Backup',
  'data.backup.help':
    'An archive of your whole vault, encrypted as it is on this disk: without your passphrase nobody can open it. Keep it elsewhere (a USB key, another computer); it restores on another machine with the same passphrase, with the same identity.',
  'data.backup.download': 'Download a backup',
  'data.backup.downloading': 'Preparing the archive…',
  'data.backup.received': '{size} received…',
  'data.backup.downloaded': '{name} ({size}) downloaded.',
  'data.auto': 'Automatic backups',
  'data.auto.help':
    'The node writes an encrypted archive into a folder of this machine at regular intervals and keeps the most recent ones. Choose a synchronised folder or an external disk.',
  'data.auto.folder': 'Folder (full path on the node’s machine)',
  'data.auto.folderHint': 'Leave empty to stop automatic backups.',
  'data.auto.every': 'Every (hours)',
  'data.auto.keep': 'Keep',
  'data.auto.errAbsolute': 'A full path, starting with “/”.',
  'data.auto.saved': 'A backup will be written into {folder} every {hours} hours.',
  'data.auto.off': 'Automatic backups stopped.',
  'data.auto.now': 'Back up now',
  'data.auto.running': 'Backing up…',
  'data.auto.written': 'Backup written: {file} ({size}).',
  'data.holdings': 'What I hold',
  'data.holdings.help':
    'Everything your vault keeps, by kind and by source. Erasing a source really deletes its items: their keys are forgotten and their blocks removed from the disk.',
  'data.holdings.total': '{n} item(s) in all',
  'data.holdings.byType': 'By kind',
  'data.holdings.bySource': 'By source',
  'data.holdings.internal': 'The node’s own data (invitations, announcements, shares…)',
  'data.holdings.delete': 'Erase these {n} item(s)',
  'data.holdings.deleting': 'Erasing…',
  'data.holdings.confirmTitle': 'Erase a source',
  'data.holdings.confirm': 'Erase the {n} item(s) that came from “{source}”?',
  'data.holdings.irreversible': 'This is final: they can only come back from a backup made before.',
  'data.holdings.deleted': '{n} item(s) from “{source}” erased.',
  'data.erase': 'Erase everything',
  'data.erase.help':
    'Your right to be forgotten: the identity, its keys and every item of this vault, erased from this machine.',
  'data.erase.start': 'Erase everything…',
  'data.erase.warning':
    'Final. Make a backup first if you want to be able to go back. Your peers keep what you shared with them.',
  'data.erase.passphrase': 'Your passphrase',
  'data.erase.type': 'Type {word} to confirm',
  'data.erase.submit': 'Erase for good',
  'data.erase.erasing': 'Erasing…',
  'data.restore': 'Restore a backup',
  'data.restore.help':
    'You have a Musette archive (.car) and its passphrase: get your vault back here as it was, with the same identity.',
  'data.restore.file': 'Backup archive',
  'data.restore.passphrase': 'This backup’s passphrase',
  'data.restore.checking': 'Checking the archive and every item…',
  'data.restore.submit': 'Restore',
  'data.restore.done': '{n} item(s) restored.',
  'data.restore.lost': 'Without the passphrase the archive cannot be opened: nobody else knows it.',
  'data.or': 'or',
  'data.err.passphrase': 'This is not this backup’s passphrase. Nothing was changed.',
  'data.err.tampered': 'This archive was altered or damaged: {message}. Nothing was changed.',
  'data.err.notBackup': 'This file is not a Musette backup: {message}',
  'data.err.tooLarge': 'Archive too large: 512 MB at most.',
  'data.err.notEmpty': 'This profile already holds data: a backup only restores into an empty profile.',
  'data.err.node': 'The node does not answer. Is it running?'
}
