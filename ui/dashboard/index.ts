// The dashboard bundle: registers <parley-app> and every element it uses.
import './app/app.ts'
