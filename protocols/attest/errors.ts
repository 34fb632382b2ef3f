export { MessageRejectedError } from '../acked.ts'
