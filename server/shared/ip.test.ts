import { describe, expect, it } from 'bun:test'
import { isPrivateAddress, plainlyPrivateHost, privateAddressOf } from './ip.ts'

describe('which addresses count as private (for outgoing requests an outsider can aim)', () => {
  it('counts loopback, private, shared, link-local, multicast and reserved addresses, IPv4 and IPv6, as private', () => {
    for (const a of ['127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fd12::1', 'fe80::1', 'ff02::1', '::ffff:10.0.0.1', '64:ff9b::a00:1']) {
      expect({ a, private: isPrivateAddress(a) }).toEqual({ a, private: true })
    }
  })

  it('lets public addresses through, including the neighbours of private ranges', () => {
    for (const a of ['8.8.8.8', '172.15.255.255', '172.32.0.1', '192.169.0.1', '100.128.0.1', '11.0.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect({ a, private: isPrivateAddress(a) }).toEqual({ a, private: false })
    }
  })

  it('names a plainly private host without DNS, and leaves host names to the delivery-time lookup', () => {
    expect(plainlyPrivateHost('http://localhost:8080/x')).toBe('localhost')
    expect(plainlyPrivateHost('http://app.localhost/x')).toBe('app.localhost')
    expect(plainlyPrivateHost('http://[::1]:80/')).toBe('::1')
    expect(plainlyPrivateHost('https://10.0.0.5/hook')).toBe('10.0.0.5')
    expect(plainlyPrivateHost('https://hooks.example.com/x')).toBeNull()
    expect(plainlyPrivateHost('https://93.184.215.14/')).toBeNull()
  })

  it('looks a host name up and names the private address it resolves to', async () => {
    expect(await privateAddressOf('http://localhost:9/x')).toBe('127.0.0.1')
    expect(await privateAddressOf('https://[::1]/')).toBe('::1')
    expect(await privateAddressOf('https://8.8.8.8/')).toBeNull()
  })
})
