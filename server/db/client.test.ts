import { describe, expect, test } from 'bun:test'
import { connectionOf } from './client.ts'

describe('connectionOf', () => {
  test('a URL without a host parameter is used as it is', () => {
    expect(connectionOf('postgres://u:p@db.example:5432/parley')).toEqual({ url: 'postgres://u:p@db.example:5432/parley' })
    expect(connectionOf('postgres://u:p@db.example/parley?sslmode=require')).toEqual({ url: 'postgres://u:p@db.example/parley?sslmode=require' })
  })

  test("libpq's host parameter names a Unix socket's folder: taken out of the URL, given as the host", () => {
    expect(connectionOf('postgres://u:p@localhost:5433/parley?host=%2Fvar%2Frun%2Fpostgresql')).toEqual({
      url: 'postgres://u:p@localhost:5433/parley',
      host: '/var/run/postgresql',
    })
    // The other parameters stay (postgres.js reads sslmode; the rest go to the server as settings).
    expect(connectionOf('postgres://u:p@localhost/parley?sslmode=disable&host=/tmp&application_name=x')).toEqual({
      url: 'postgres://u:p@localhost/parley?sslmode=disable&application_name=x',
      host: '/tmp',
    })
    // An empty one says nothing, and is not sent on as a setting either.
    expect(connectionOf('postgres://u:p@localhost/parley?host=')).toEqual({ url: 'postgres://u:p@localhost/parley' })
  })
})
