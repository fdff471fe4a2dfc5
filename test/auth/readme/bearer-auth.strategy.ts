import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { UserRepository } from './user.repository.js';

@Injectable()
export class BearerAuth extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly users: UserRepository) { super(); }
  validate(token: string) { return this.users.findByToken(token); } // a user, or null → next class / 401
}
