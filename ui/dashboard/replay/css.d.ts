// Style sheets imported as text (Bun's `with { type: 'text' }`), for the replay page.
declare module '*.css' {
  const text: string
  export default text
}
