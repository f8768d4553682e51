/** A file of a message as the thread and the widget show it (its bytes are downloaded on their own). */
export interface AttachmentInfo {
  id: string
  filename: string
  contentType: string
  size: number
}

/** A file an agent uploaded for a reply, not yet claimed by one. */
export interface UploadInfo extends AttachmentInfo {
  conversationId: string
}
