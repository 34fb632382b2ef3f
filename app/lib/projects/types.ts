/** The views of one company's page (`/projets?c=…&v=…`). */
export type CompanyTab = 'projects' | 'publish' | 'mine' | 'requests'

export function asTab(v: string | null): CompanyTab {
  return v === 'publish' || v === 'mine' || v === 'requests' ? v : 'projects'
}
